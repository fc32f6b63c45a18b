{#- Valid orders as of as_of_date (SEGMENTS.md section 3). -#}

with

orders as (

    select * from {{ ref('int_orders_cleaned') }}

),

valid as (

    select
        order_id,
        customer_id,
        order_total,
        items_quantity,
        ordered_at

    from orders
    where
        {{ is_valid_order('ordered_at', 'order_status') }}

)

select * from valid
