{#- Carts abandoned as of as_of_date (SEGMENTS.md section 6). -#}

with

carts as (

    select * from {{ ref('int_carts_cleaned') }}

),

buyers as (

    select
        customer_id,
        last_order_at

    from {{ ref('int_customers_orders_aggregated') }}

),

abandoned as (

    select
        carts.cart_id,
        carts.customer_id,
        carts.cart_value,
        carts.created_at

    from carts
    left join buyers
        on carts.customer_id = buyers.customer_id
    where
        carts.customer_id is not null
        and carts.items_quantity >= 1
        and carts.converted_order_id is null
        and {{ days_since('carts.created_at') }} between 0 and {{ var('cart_abandonment_window_days') }} - 1
        -- no valid order at or after the cart: the customer's last one is before it
        and (buyers.last_order_at is null or buyers.last_order_at < carts.created_at)

)

select * from abandoned
