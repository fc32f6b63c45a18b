{#-
    The dates on which a customer's lifecycle segment can change, one row per
    customer and date, with the valid orders placed that day. As a function of
    the day, the rule of SEGMENTS.md section 5 changes only on: the local
    sign-up date (the customer starts existing) and the day its
    new_signup_window_days window ends; each valid order's local date; the day
    active_window_days after an order ends; and the first day of the history,
    where every customer's state is taken. Order days before the history are
    kept for the running order count; other dates outside
    [history_start_date, as_of_date] are dropped.
-#}

-- kept by the day (macros/history/history_increment.sql): a daily run
-- recomputes the affected customers and gives everyone else one edge at the
-- new history_start_date
{{
    config(
        materialized=incremental_materialization(),
        incremental_strategy='append',
        on_schema_change='fail',
        pre_hook="{{ history_increment_prepare('edges') }}",
    )
}}

-- the customers a daily run recomputes (history_increment_filter())
-- depends_on: {{ ref('int_history_customers_affected') }}

with

customers as (

    select
        customer_id,
        signed_up_at

    from {{ ref('int_customers_cleaned') }}
    where {{ history_increment_filter('customer_id') }}

),

order_dates as (

    select * from {{ ref('int_customer_order_dates_aggregated') }}
    where {{ history_increment_filter('customer_id') }}

),

edge_kinds as (

    -- Each order date and each customer row is read once and fanned out to
    -- its edges by a join with these kinds: reading one CTE in several
    -- branches of a union made DuckDB hold it in memory (issue 4).
    select 0 as kind
    union all
    select 1 as kind
    union all
    select 2 as kind

),

order_edges as (

    -- 0: the order's local date; 1: its active window ends (active -> lapsed,
    -- unless a later order); 2: the first day of the history
    select
        order_dates.customer_id,
        case edge_kinds.kind
            when 0 then order_dates.order_date
            when 1 then {{ active_window_end('order_dates.order_date') }}
            else {{ history_start_date() }}
        end as edge_date,
        case when edge_kinds.kind = 0 then order_dates.orders_placed else 0 end as orders_placed

    from order_dates
    cross join edge_kinds

),

sign_up_dates as (

    select
        customer_id,
        {{ to_local_date('signed_up_at') }} as signed_up_date

    from customers

),

customer_edges as (

    -- 0: the local sign-up date; 1: the sign-up window ends
    -- (new_signup_non_buyer -> dormant_non_buyer); 2: the first day of the history
    select
        sign_up_dates.customer_id,
        case edge_kinds.kind
            when 0 then sign_up_dates.signed_up_date
            when 1 then {{ signup_window_end('sign_up_dates.signed_up_date') }}
            else {{ history_start_date() }}
        end as edge_date,
        0 as orders_placed

    from sign_up_dates
    cross join edge_kinds
    where edge_kinds.kind = 2 or sign_up_dates.signed_up_date is not null

),

edges as (

    select * from order_edges
    union all
    select * from customer_edges

),

edges_in_window as (

    select *
    from edges
    where
        edge_date <= {{ as_of_date() }}
        and (orders_placed > 0 or edge_date >= {{ history_start_date() }})

),

numbered as (

    -- One row per customer and date, by a window rather than a group by: a
    -- hash aggregate of 165M groups (100M orders) needed one allocation of
    -- 1 GiB more than DuckDB's 8 GB; this window spills (issue 4). Ordering
    -- the rows inside each date made DuckDB run out of memory again.
    select
        customer_id,
        edge_date,
        sum(orders_placed) over (partition by customer_id, edge_date) as orders_placed,
        {{ row_number_unordered(['customer_id', 'edge_date']) }} as edge_number

    from edges_in_window

),

unioned as (

    select
        customer_id,
        edge_date,
        orders_placed

    from numbered
    where edge_number = 1

)

select * from unioned
