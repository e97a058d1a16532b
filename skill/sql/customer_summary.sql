-- Per-customer summary in one aggregation: the same table skill.orders builds in pandas
-- (customer_table), for shops whose order lines live in a warehouse.
--
-- Input: a table or view named `orders` with ONE ROW PER KEPT ORDER (after the
-- warehouse's own filters: paid, not cancelled/test, one currency):
--   customer_id   text      hashed or internal id; NULL for guests (left out here)
--   order_id      text
--   order_date    timestamp shop-local
--   amount        numeric   order total after discounts, before refunds; negative for returns
--   refund        numeric   refunded on this order (0 if none)
--   net           numeric   amount - refund
--   is_return     boolean   credit note / return record (not counted as an order)
--   has_discount  boolean
--   margin_amount numeric   gross margin of the order, NULL if unknown
--   channel       text      acquisition channel of the order
--   product       text      first product of the order
-- Parameter: one positional `?` = the as-of date (NULL: the last order date).
-- Dialect: DuckDB; Postgres needs only the placeholder changed ($1).
-- Conventions (lifetimes, day resolution): frequency = purchase days - 1,
-- recency = last - first purchase day, T = as_of - first purchase day,
-- monetary_value = mean net value of the repeat purchase days (0 if none).
WITH params AS (
    SELECT COALESCE(CAST(? AS DATE), (SELECT CAST(MAX(order_date) AS DATE) FROM orders)) AS as_of
),
kept AS (
    SELECT o.*, CAST(o.order_date AS DATE) AS day
    FROM orders AS o, params AS p
    WHERE o.customer_id IS NOT NULL AND CAST(o.order_date AS DATE) <= p.as_of
),
purchases AS (SELECT * FROM kept WHERE NOT is_return),
returned AS (
    SELECT customer_id, SUM(-amount) AS returns FROM kept WHERE is_return GROUP BY customer_id
),
purchase_days AS (
    SELECT
        customer_id,
        day,
        SUM(net) AS value,
        ROW_NUMBER() OVER (PARTITION BY customer_id ORDER BY day) AS day_number,
        day - LAG(day) OVER (PARTITION BY customer_id ORDER BY day) AS gap_days
    FROM purchases
    GROUP BY customer_id, day
),
per_day AS (
    SELECT
        customer_id,
        COUNT(*) AS order_days,
        MIN(day) AS first_day,
        MAX(day) AS last_day,
        SUM(CASE WHEN day_number > 1 THEN value ELSE 0 END) AS repeat_value,
        PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY gap_days) AS median_days_between_orders
    FROM purchase_days
    GROUP BY customer_id
),
first_orders AS (
    SELECT customer_id, channel, product AS first_product
    FROM (
        SELECT customer_id, channel, product,
               ROW_NUMBER() OVER (PARTITION BY customer_id ORDER BY order_date, order_id) AS k
        FROM purchases
    ) AS ranked
    WHERE k = 1
),
totals AS (
    SELECT
        customer_id,
        MIN(order_date) AS first_order,
        MAX(order_date) AS last_order,
        COUNT(*) AS orders,
        SUM(amount) AS gross_revenue,
        SUM(refund) AS refunds,
        SUM(net) AS purchase_net,
        SUM(margin_amount) AS gross_margin,
        SUM(CASE WHEN has_discount THEN 1 ELSE 0 END) AS discount_orders
    FROM purchases
    GROUP BY customer_id
)
SELECT
    t.customer_id,
    t.first_order,
    t.last_order,
    t.orders,
    d.order_days,
    t.gross_revenue,
    t.refunds,
    COALESCE(r.returns, 0) AS returns,
    t.purchase_net - COALESCE(r.returns, 0) AS net_revenue,
    t.gross_margin,
    t.discount_orders,
    f.channel,
    f.first_product,
    d.median_days_between_orders,
    d.order_days - 1 AS frequency,
    d.last_day - d.first_day AS recency,
    p.as_of - d.first_day AS "T",
    CASE WHEN d.order_days > 1 THEN d.repeat_value / (d.order_days - 1) ELSE 0 END AS monetary_value
FROM totals AS t
JOIN per_day AS d USING (customer_id)
JOIN first_orders AS f USING (customer_id)
LEFT JOIN returned AS r USING (customer_id)
CROSS JOIN params AS p
ORDER BY t.customer_id
