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

carts_with_age as (

    select
        *,
        {{ days_since('created_at') }} as days_since_created

    from carts

),

abandoned as (

    select
        carts_with_age.cart_id,
        carts_with_age.customer_id,
        carts_with_age.cart_value,
        carts_with_age.created_at

    from carts_with_age
    left join buyers
        on carts_with_age.customer_id = buyers.customer_id
    where
        carts_with_age.customer_id is not null
        and carts_with_age.items_quantity >= 1
        and carts_with_age.converted_order_id is null
        and carts_with_age.days_since_created between 0 and {{ var('cart_abandonment_window_days') }} - 1
        -- no valid order at or after the cart: the customer's last one is before it
        and (buyers.last_order_at is null or buyers.last_order_at < carts_with_age.created_at)

)

select * from abandoned
