{#-
    Fivetran's `order` table (items from `order_line`) in the shape of the
    contract's raw `orders` table (SEGMENTS.md section 1): one row per
    connector order; cleaning and rejection happen in stg_shop__orders.
    The status carries what makes an order not count (DECISIONLOG D63).
-#}

{{ config(enabled=var('raw_source', 'contract') == 'shopify_fivetran') }}


{%- set order_table = source('shopify', 'order') -%}
{%- set is_deleted = shopify_column_or(order_table, '_fivetran_deleted', 'false') -%}

with

shopify_orders as (

    select
        *,
        coalesce({{ is_deleted }}, false) as is_fivetran_deleted

    from {{ order_table }}

),

shopify_order_lines as (

    select * from {{ source('shopify', 'order_line') }}

),

order_items as (

    select
        order_id,
        sum(quantity) as items_quantity

    from shopify_order_lines
    group by order_id

),

mapped as (

    select
        cast(shopify_orders.id as {{ dbt.type_string() }}) as order_id,
        cast(shopify_orders.customer_id as {{ dbt.type_string() }}) as customer_id,
        shopify_orders.processed_at as ordered_at,
        case
            when shopify_orders.is_fivetran_deleted then 'deleted'
            when coalesce(shopify_orders.test, false) then 'test'
            when shopify_orders.cancelled_at is not null then 'cancelled'
            else shopify_orders.financial_status
        end as status,
        shopify_orders.total_price as order_total,
        order_items.items_quantity,
        shopify_orders._fivetran_synced as _loaded_at

    from shopify_orders
    left join order_items
        on shopify_orders.id = order_items.order_id

)

select * from mapped
