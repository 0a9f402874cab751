-- Feeds: score every (topic, item) pair that shares the topic's category (its value of the product-type
-- family $product_type: "category" in the fashion sample) and at least LEAST(k, n) of the topic's n other
-- attributes, by the sum of the item's confidences over the shared attributes (category included); keep
-- each topic's top $feed_size items, ties broken by item_id.
--
-- Inputs (registered by engine/collections/feeds.py):
--   item_attributes(item_id, family, value, confidence)  one row per distinct (item, family, value)
--   topic_attributes(topic_id, family, value)            one row per attribute of each topic
--
-- Plain SQL so that it runs on Spark SQL at scale. What would change there: the parameters ($min_overlap,
-- $feed_size, $product_type are DuckDB named parameters; Spark 3.4+ spells them :min_overlap, ...), the inputs
-- (temp views over Parquet instead of registered Arrow tables), and, at catalog scale, repartitioning both
-- sides by category before the join (the partitioning below then becomes a co-partitioned join).
WITH topic_category AS (
  SELECT topic_id, value AS category FROM topic_attributes WHERE family = $product_type
),
topic_size AS (
  SELECT topic_id, COUNT(*) AS n_other FROM topic_attributes WHERE family <> $product_type GROUP BY topic_id
),
item_category AS (
  SELECT item_id, value AS category, confidence FROM item_attributes WHERE family = $product_type
),
-- Attribute partitioning: both sides are keyed by (category, family, value), so a topic's attributes are
-- only ever matched against items of its category and the join touches matching rows only. The key is one
-- concatenated column on purpose: with three separate equalities the optimizer joins on (family, value)
-- first and filters by category afterwards, which made 10x the rows (40M at 30,000 items).
topic_keyed AS (
  SELECT ta.topic_id, tc.category, ta.family, ta.value,
         CONCAT(tc.category, '|', ta.family, '|', ta.value) AS partition_key
  FROM topic_attributes ta JOIN topic_category tc ON tc.topic_id = ta.topic_id
  WHERE ta.family <> $product_type
),
item_keyed AS (
  SELECT ia.item_id, ic.category, ic.confidence AS category_confidence, ia.family, ia.value, ia.confidence,
         CONCAT(ic.category, '|', ia.family, '|', ia.value) AS partition_key
  FROM item_attributes ia JOIN item_category ic ON ic.item_id = ia.item_id
  WHERE ia.family <> $product_type
),
shared AS (
  SELECT tk.topic_id, ik.item_id, ik.category_confidence,
         COUNT(*) AS overlap, SUM(ik.confidence) AS shared_confidence
  FROM topic_keyed tk
  JOIN item_keyed ik ON ik.partition_key = tk.partition_key
   AND ik.category = tk.category AND ik.family = tk.family AND ik.value = tk.value
  GROUP BY tk.topic_id, ik.item_id, ik.category, ik.category_confidence
),
-- Minimum-overlap prefilter: drop pairs sharing too few of the topic's attributes before ranking.
prefiltered AS (
  SELECT s.topic_id, s.item_id, s.category_confidence + s.shared_confidence AS score
  FROM shared s JOIN topic_size z ON z.topic_id = s.topic_id
  WHERE s.overlap >= LEAST($min_overlap, z.n_other)
),
ranked AS (
  SELECT topic_id, item_id, score,
         ROW_NUMBER() OVER (PARTITION BY topic_id ORDER BY ROUND(score, 9) DESC, item_id) AS feed_rank
  FROM prefiltered
)
SELECT topic_id, feed_rank, item_id, score
FROM ranked
WHERE feed_rank <= $feed_size
ORDER BY topic_id, feed_rank
