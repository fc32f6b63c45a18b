{#- Valid orders as of as_of_date (SEGMENTS.md section 3), with the first order flagged. -#}

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
        {{ is_on_or_before_as_of('ordered_at') }}
        and {{ has_counted_status('order_status') }}

),

numbered as (

    select
        *,
        row_number() over (
            partition by customer_id
            order by ordered_at asc, order_id asc
        ) = 1 as is_first_order

    from valid

)

select * from numbered
