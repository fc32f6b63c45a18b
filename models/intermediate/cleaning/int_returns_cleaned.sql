with

returns as (

    select * from {{ ref('int_returns_matched_to_orders') }}

),

cleaned as (

    select
        return_id,
        order_id,
        returned_quantity,
        refund_amount,
        returned_at

    from returns
    where not is_superseded and rejection_reason is null

)

select * from cleaned
