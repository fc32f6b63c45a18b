{#-
    The one join cleaning needs: a return must belong to a clean order and not
    be dated before it (SEGMENTS.md section 1). Keeps every staged return row,
    so that the audit sees superseded versions too.
-#}

with

returns as (

    select * from {{ ref('stg_shop__returns') }}

),

orders as (

    select
        order_id,
        ordered_at

    from {{ ref('int_orders_cleaned') }}

),

matched as (

    select
        returns.return_id,
        returns.order_id,
        returns.returned_quantity,
        returns.refund_amount,
        returns.returned_at,
        returns._loaded_at,
        returns.version_number,
        returns.is_superseded,
        case
            when returns.rejection_reason is not null then returns.rejection_reason
            when orders.order_id is null then 'order not in clean orders'
            when returns.returned_at < orders.ordered_at then 'returned before order'
        end as rejection_reason

    from returns
    left join orders
        on returns.order_id = orders.order_id

)

select * from matched
