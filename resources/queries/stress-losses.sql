-- title: Who loses most when the most exposed protocol fails (S1, DebtRank)
SELECT node_id, name, round(loss) AS loss_usd, round(relative_loss, 3) AS share_lost,
       distress_round
FROM contagion(:week, 'S1', 'debtrank')
LIMIT 20;
