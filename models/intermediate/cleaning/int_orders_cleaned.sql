with

orders as (

    select * from {{ ref('int_orders_versioned') }}

),

cleaned as (

    select
        order_id,
        customer_id,
        order_status,
        order_total,
        items_quantity,
        ordered_at

    from orders
    where not is_superseded and rejection_reason is null

)

select * from cleaned
