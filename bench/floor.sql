-- The floor of the benchmark (issue 4): one hand-written DuckDB statement that
-- does what `dbt run` must do for customer_segments, with nothing else around
-- it: parse and dedupe the four raw tables, apply every reject rule of
-- DECISIONLOG D3, aggregate per customer and assign every segment of
-- SEGMENTS.md with the default settings (UTC, as_of_date given below).
--
-- bench/run.py substitutes {raw_schema}, {floor_schema} and {as_of_date}, runs
-- it in a fresh process, and checks that its output equals the project's
-- customer_segments row for row. It reads the raw column types that
-- tools/bench_data.py writes (text timestamps for customers and orders, typed
-- ones for returns and carts).

create or replace table {floor_schema}.customer_segments as
with

customers_parsed as (
    select
        nullif(trim(customer_id), '') as customer_id,
        case
            when regexp_matches(lower(nullif(trim(email), '')), '^[^@\s]+@[^@\s]+\.[^@\s]+$')
                then lower(nullif(trim(email), ''))
        end as email,
        coalesce(lower(nullif(trim(accepts_marketing), '')) in ('true', 't', 'yes', 'y', '1'), false)
            as accepts_marketing,
        nullif(trim(signed_up_at), '') as signed_up_at_text,
        case
            when regexp_matches(nullif(trim(signed_up_at), ''), '\d:\d{2}(:\d{2}(\.\d+)?)?\s*([zZ]|[+-]\d{2}(:?\d{2})?)$')
                then cast(try_cast(nullif(trim(signed_up_at), '') as timestamptz) at time zone 'UTC' as timestamp)
            else try_cast(nullif(trim(signed_up_at), '') as timestamp)
        end as signed_up_at,
        row_number() over (
            partition by nullif(trim(customer_id), '')
            order by _loaded_at desc nulls last, email asc nulls last,
                signed_up_at asc nulls last, accepts_marketing asc nulls last
        ) as version_number
    from {raw_schema}.customers
),

customers_clean as (
    select customer_id, email, accepts_marketing, signed_up_at
    from customers_parsed
    where customer_id is not null and version_number = 1
        and not (signed_up_at_text is not null and signed_up_at is null)
),

orders_parsed as (
    select
        nullif(trim(order_id), '') as order_id,
        nullif(trim(customer_id), '') as customer_id,
        lower(nullif(trim(status), '')) as order_status,
        nullif(trim(ordered_at), '') as ordered_at_text,
        case
            when regexp_matches(nullif(trim(ordered_at), ''), '\d:\d{2}(:\d{2}(\.\d+)?)?\s*([zZ]|[+-]\d{2}(:?\d{2})?)$')
                then cast(try_cast(nullif(trim(ordered_at), '') as timestamptz) at time zone 'UTC' as timestamp)
            else try_cast(nullif(trim(ordered_at), '') as timestamp)
        end as ordered_at,
        nullif(trim(order_total), '') as order_total_text,
        try_cast(nullif(trim(order_total), '') as decimal(38, 6)) as order_total,
        items_quantity,
        row_number() over (
            partition by nullif(trim(order_id), '')
            order by _loaded_at desc nulls last, customer_id asc nulls last, ordered_at asc nulls last,
                status asc nulls last, order_total asc nulls last, cast(items_quantity as varchar) asc nulls last
        ) as version_number
    from {raw_schema}.orders
),

orders_clean as (
    select order_id, customer_id, order_status, ordered_at, order_total, items_quantity
    from orders_parsed
    where order_id is not null and version_number = 1
        and customer_id is not null
        and ordered_at is not null
        and order_total is not null and order_total >= 0
        and items_quantity is not null and items_quantity >= 1
),

returns_parsed as (
    select
        nullif(trim(return_id), '') as return_id,
        nullif(trim(order_id), '') as order_id,
        returned_at,
        returned_quantity,
        coalesce(cast(refund_amount as decimal(38, 6)), 0) as refund_amount,
        row_number() over (
            partition by nullif(trim(return_id), '')
            order by _loaded_at desc nulls last, order_id asc nulls last,
                cast(returned_at as varchar) asc nulls last, cast(returned_quantity as varchar) asc nulls last,
                cast(refund_amount as varchar) asc nulls last
        ) as version_number
    from {raw_schema}.returns
),

returns_clean as (
    select returns_parsed.return_id, returns_parsed.order_id, returns_parsed.refund_amount,
        returns_parsed.returned_at
    from returns_parsed
    inner join orders_clean on returns_parsed.order_id = orders_clean.order_id
    where returns_parsed.return_id is not null and returns_parsed.version_number = 1
        and returns_parsed.returned_at is not null
        and returns_parsed.refund_amount >= 0
        and returns_parsed.returned_quantity is not null and returns_parsed.returned_quantity >= 1
        and returns_parsed.returned_at >= orders_clean.ordered_at
),

carts_parsed as (
    select
        nullif(trim(cart_id), '') as cart_id,
        nullif(trim(customer_id), '') as customer_id,
        nullif(trim(converted_order_id), '') as converted_order_id,
        items_quantity,
        coalesce(cast(cart_value as decimal(38, 6)), 0) as cart_value,
        cast(created_at at time zone 'UTC' as timestamp) as created_at,
        row_number() over (
            partition by nullif(trim(cart_id), '')
            order by _loaded_at desc nulls last, customer_id asc nulls last,
                cast(created_at as varchar) asc nulls last, cast(items_quantity as varchar) asc nulls last,
                cast(cart_value as varchar) asc nulls last, converted_order_id asc nulls last
        ) as version_number
    from {raw_schema}.carts
),

carts_clean as (
    select cart_id, customer_id, converted_order_id, items_quantity, cart_value, created_at
    from carts_parsed
    where cart_id is not null and version_number = 1
        and created_at is not null and cart_value >= 0
        and items_quantity is not null and items_quantity >= 0
),

valid_orders as (
    select
        *,
        row_number() over (partition by customer_id order by ordered_at, order_id) = 1 as is_first_order
    from orders_clean
    where cast(ordered_at as date) <= date '{as_of_date}'
        and (order_status is null or order_status not in
            ('cancelled', 'canceled', 'failed', 'voided', 'declined', 'fraud', 'test'))
),

refunds_per_order as (
    select returns_clean.order_id, sum(returns_clean.refund_amount) as refunded_amount
    from returns_clean
    inner join valid_orders on returns_clean.order_id = valid_orders.order_id
    where cast(returns_clean.returned_at as date) <= date '{as_of_date}'
    group by returns_clean.order_id
),

buyers as (
    select
        valid_orders.customer_id,
        count(*) as orders_count,
        count(refunds_per_order.order_id) as orders_with_return,
        sum(valid_orders.order_total) as gross_revenue,
        coalesce(sum(refunds_per_order.refunded_amount), 0) as refunded_amount,
        max(case when valid_orders.is_first_order then valid_orders.items_quantity end) as first_order_items,
        max(case when valid_orders.is_first_order then valid_orders.order_total end) as first_order_value,
        min(valid_orders.ordered_at) as first_order_at,
        max(valid_orders.ordered_at) as last_order_at
    from valid_orders
    left join refunds_per_order on valid_orders.order_id = refunds_per_order.order_id
    group by valid_orders.customer_id
),

abandoned_carts as (
    select
        carts_clean.customer_id,
        count(*) as abandoned_carts_count,
        sum(carts_clean.cart_value) as abandoned_cart_value,
        max(carts_clean.created_at) as last_abandoned_cart_at
    from carts_clean
    left join buyers on carts_clean.customer_id = buyers.customer_id
    where carts_clean.customer_id is not null
        and carts_clean.items_quantity >= 1
        and carts_clean.converted_order_id is null
        and date '{as_of_date}' - cast(carts_clean.created_at as date) between 0 and 6
        and (buyers.last_order_at is null or buyers.last_order_at < carts_clean.created_at)
    group by carts_clean.customer_id
),

existing as (
    select customer_id from customers_clean
    where signed_up_at is null or cast(signed_up_at as date) <= date '{as_of_date}'
    union
    select customer_id from buyers
),

metrics as (
    select
        existing.customer_id,
        customers_clean.email,
        coalesce(customers_clean.accepts_marketing, false) as accepts_marketing,
        customers_clean.signed_up_at,
        coalesce(buyers.orders_count, 0) as orders_count,
        coalesce(buyers.orders_with_return, 0) as orders_with_return,
        coalesce(buyers.gross_revenue, 0) as gross_revenue,
        coalesce(buyers.refunded_amount, 0) as refunded_amount,
        coalesce(buyers.gross_revenue, 0) - coalesce(buyers.refunded_amount, 0) as net_revenue,
        buyers.first_order_items,
        buyers.first_order_value,
        buyers.first_order_at,
        buyers.last_order_at,
        coalesce(abandoned_carts.abandoned_carts_count, 0) as abandoned_carts_count,
        coalesce(abandoned_carts.abandoned_cart_value, 0) as abandoned_cart_value,
        abandoned_carts.last_abandoned_cart_at,
        date '{as_of_date}' - cast(customers_clean.signed_up_at as date) as days_since_signed_up,
        date '{as_of_date}' - cast(buyers.first_order_at as date) as days_since_first_order,
        date '{as_of_date}' - cast(buyers.last_order_at as date) as days_since_last_order,
        cast(buyers.last_order_at as date) - cast(buyers.first_order_at as date) as tenure_days
    from existing
    left join customers_clean on existing.customer_id = customers_clean.customer_id
    left join buyers on existing.customer_id = buyers.customer_id
    left join abandoned_carts on existing.customer_id = abandoned_carts.customer_id
),

ranked as (
    select
        *,
        orders_count > 0 and days_since_first_order < 90 as is_new_customer,
        rank() over (partition by orders_count > 0 order by net_revenue) - 1 as buyer_rank_offset,
        count(*) over (partition by orders_count > 0) - 1 as buyer_rank_span,
        rank() over (partition by orders_count > 0 and days_since_first_order < 90 order by net_revenue) - 1
            as new_rank_offset,
        count(*) over (partition by orders_count > 0 and days_since_first_order < 90) - 1 as new_rank_span
    from metrics
),

segmented as (
    select
        *,
        case
            when orders_count = 0 and days_since_signed_up < 30 then 'new_signup_non_buyer'
            when orders_count = 0 then 'dormant_non_buyer'
            when orders_count = 1 and days_since_last_order < 90 then 'new_first_time_buyer'
            when orders_count = 1 then 'lapsed_one_time_buyer'
            when days_since_last_order < 90 then 'active_repeat_buyer'
            else 'lapsed_repeat_buyer'
        end as lifecycle_segment
    from ranked
)

select
    customer_id,
    email,
    lifecycle_segment,
    case
        when not is_new_customer then null
        when orders_count >= 2 or new_rank_offset * 100 >= 80 * greatest(new_rank_span, 1) then 'high_potential'
        when days_since_first_order >= 30 then 'one_off'
        else 'developing'
    end as new_customer_potential,
    case
        when orders_count = 0 then null
        when orders_with_return >= 2 and orders_with_return * 100 >= 30 * orders_count then 'frequent_returner'
        when orders_with_return = 0 then 'non_returner'
        else 'occasional_returner'
    end as return_behavior,
    case when orders_count = 0 then null when first_order_items >= 2 then 'multi_item' else 'single_item' end
        as first_order_basket,
    case
        when orders_count = 0 then null
        when buyer_rank_offset * 100 >= 80 * greatest(buyer_rank_span, 1) then 'high'
        when buyer_rank_offset * 100 >= 50 * greatest(buyer_rank_span, 1) then 'medium'
        else 'low'
    end as value_tier,
    case
        when lifecycle_segment not in ('lapsed_one_time_buyer', 'lapsed_repeat_buyer') then null
        when orders_count >= 2 and tenure_days >= 90 then 'late_churn'
        else 'fast_churn'
    end as churn_type,
    cast(orders_count as integer) as orders_count,
    cast(orders_with_return as integer) as orders_with_return,
    cast(days_since_first_order as integer) as days_since_first_order,
    cast(days_since_last_order as integer) as days_since_last_order,
    cast(tenure_days as integer) as tenure_days,
    cast(first_order_items as integer) as first_order_items,
    cast(abandoned_carts_count as integer) as abandoned_carts_count,
    cast(gross_revenue as decimal(38, 6)) as gross_revenue,
    cast(refunded_amount as decimal(38, 6)) as refunded_amount,
    cast(net_revenue as decimal(38, 6)) as net_revenue,
    cast(first_order_value as decimal(38, 6)) as first_order_value,
    cast(abandoned_cart_value as decimal(38, 6)) as abandoned_cart_value,
    cast(orders_with_return as double) / nullif(orders_count, 0) as return_rate,
    cast(gross_revenue as double) / nullif(orders_count, 0) as avg_order_value,
    accepts_marketing,
    abandoned_carts_count > 0 as is_cart_abandoner,
    date '{as_of_date}' as as_of_date,
    signed_up_at,
    first_order_at,
    last_order_at,
    last_abandoned_cart_at
from segmented
