-- title: Weeks where a lending protocol's largest exposure exceeded 30 % of its TVL
-- Scans every edge of the archive (seconds on a real-scale archive).
WITH largest AS (
  SELECT week, source, max(weight) AS largest_usd
  FROM edges
  WHERE source IN (SELECT id FROM protocols WHERE category = 'Lending')
  GROUP BY week, source
)
SELECT l.week, l.source AS node_id, p.name, l.largest_usd, n.size AS tvl_usd,
       round(l.largest_usd / n.size, 3) AS share
FROM largest AS l
JOIN nodes AS n ON n.node_id = l.source AND n.week = l.week
JOIN protocols AS p ON p.id = l.source
WHERE n.size > 0 AND l.largest_usd > 0.3 * n.size
ORDER BY l.week, share DESC;
