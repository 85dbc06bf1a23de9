-- title: Top 20 exposures of a week
SELECT source, holder_name, target, issuer_name, weight
FROM edges_named
WHERE week = :week
ORDER BY weight DESC
LIMIT 20;
