-- title: The most systemically important nodes of a week
SELECT rank, node_id, name, category, round(score, 3) AS sis,
       round(pagerank, 4) AS pagerank, round(tail_exposure, 3) AS tail_exposure
FROM sis(:week)
LIMIT 20;
