{#-
    Fivetran's `refund` table (quantities and amounts from
    `order_line_refund`) in the shape of the contract's raw `returns` table
    (SEGMENTS.md section 1): one row per connector refund; cleaning and
    rejection happen in stg_shop__returns (DECISIONLOG D64).
-#}

{{ config(enabled=var('raw_source', 'contract') == 'shopify_fivetran') }}


with

shopify_refunds as (

    select * from {{ source('shopify', 'refund') }}

),

shopify_line_refunds as (

    select * from {{ source('shopify', 'order_line_refund') }}

),

refund_lines as (

    select
        refund_id,
        sum(quantity) as returned_quantity,
        sum(subtotal) as refund_amount

    from shopify_line_refunds
    group by refund_id

),

mapped as (

    select
        cast(shopify_refunds.id as {{ dbt.type_string() }}) as return_id,
        cast(shopify_refunds.order_id as {{ dbt.type_string() }}) as order_id,
        coalesce(shopify_refunds.processed_at, shopify_refunds.created_at) as returned_at,
        refund_lines.returned_quantity,
        refund_lines.refund_amount,
        shopify_refunds._fivetran_synced as _loaded_at

    from shopify_refunds
    left join refund_lines
        on shopify_refunds.id = refund_lines.refund_id

)

select * from mapped
