-- title: One node's exposures across all weeks
SELECT week, direction, source, target, weight
FROM node_edges(:node)
ORDER BY week, weight DESC;
