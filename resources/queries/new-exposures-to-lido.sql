-- title: Protocols most likely to become exposed to Lido within 4 weeks
SELECT f.source, f.source_name,
       round(f.probability, 3) AS probability,
       round(f.predicted_usd) AS predicted_usd
FROM forecast_edges(:week, 4) AS f
WHERE f.target = (SELECT id FROM protocols WHERE name = 'Lido')
  AND f.exists_at_t = 0
ORDER BY f.probability DESC
LIMIT 20;
