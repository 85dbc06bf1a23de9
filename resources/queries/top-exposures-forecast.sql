-- title: Top 20 exposures of a week with their forecast 12 weeks ahead
WITH top AS (
  SELECT source, holder_name, target, issuer_name, weight
  FROM edges_named
  WHERE week = :week
  ORDER BY weight DESC
  LIMIT 20
)
SELECT top.*, link_prob(source, target, :week, 12) AS p_in_12_weeks
FROM top
ORDER BY weight DESC;
