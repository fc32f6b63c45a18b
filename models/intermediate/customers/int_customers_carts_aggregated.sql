with

abandoned_carts as (

    select * from {{ ref('int_carts_filtered_to_abandoned') }}

),

aggregated as (

    select
        customer_id,
        count(*) as abandoned_carts_count,
        sum(cart_value) as abandoned_cart_value,
        max(created_at) as last_abandoned_cart_at

    from abandoned_carts
    group by customer_id

)

select * from aggregated
