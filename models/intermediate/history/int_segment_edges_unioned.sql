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

with

customers as (

    select
        customer_id,
        signed_up_at

    from {{ ref('int_customers_cleaned') }}

),

valid_orders as (

    select
        customer_id,
        ordered_at

    from {{ ref('int_orders_filtered_to_valid') }}

),

sign_up_dates as (

    select
        customer_id,
        {{ to_local_date('signed_up_at') }} as signed_up_date

    from customers
    where signed_up_at is not null

),

order_dates as (

    select
        customer_id,
        {{ to_local_date('ordered_at') }} as order_date,
        count(*) as orders_placed

    from valid_orders
    group by customer_id, {{ to_local_date('ordered_at') }}

),

edges as (

    select
        customer_id,
        order_date as edge_date,
        orders_placed

    from order_dates

    union all

    -- the active window of an order ends: active -> lapsed, unless a later order
    select
        customer_id,
        cast({{ dbt.dateadd('day', var('active_window_days'), 'order_date') }} as date) as edge_date,
        0 as orders_placed

    from order_dates

    union all

    select
        customer_id,
        signed_up_date as edge_date,
        0 as orders_placed

    from sign_up_dates

    union all

    -- the sign-up window ends: new_signup_non_buyer -> dormant_non_buyer
    select
        customer_id,
        cast({{ dbt.dateadd('day', var('new_signup_window_days'), 'signed_up_date') }} as date) as edge_date,
        0 as orders_placed

    from sign_up_dates

    union all

    select
        customer_id,
        {{ history_start_date() }} as edge_date,
        0 as orders_placed

    from customers

    union all

    select
        customer_id,
        {{ history_start_date() }} as edge_date,
        0 as orders_placed

    from order_dates

),

edges_in_window as (

    select *
    from edges
    where
        edge_date <= {{ as_of_date() }}
        and (orders_placed > 0 or edge_date >= {{ history_start_date() }})

),

unioned as (

    select
        customer_id,
        edge_date,
        sum(orders_placed) as orders_placed

    from edges_in_window
    group by customer_id, edge_date

)

select * from unioned
