with

carts as (

    select * from {{ ref('int_carts_versioned') }}

),

cleaned as (

    select
        cart_id,
        customer_id,
        converted_order_id,
        items_quantity,
        cart_value,
        created_at

    from carts
    where not is_superseded and rejection_reason is null

)

select * from cleaned
