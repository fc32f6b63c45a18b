{#- Returns that count as of as_of_date: clean, of a valid order, not in the future. -#}

with

returns as (

    select * from {{ ref('int_returns_cleaned') }}

),

valid_orders as (

    select
        order_id,
        customer_id

    from {{ ref('int_orders_filtered_to_valid') }}

),

counted as (

    select
        returns.return_id,
        returns.order_id,
        valid_orders.customer_id,
        returns.refund_amount,
        returns.returned_at

    from returns
    inner join valid_orders
        on returns.order_id = valid_orders.order_id
    where {{ is_counted_return_date('returns.returned_at') }}

)

select * from counted
