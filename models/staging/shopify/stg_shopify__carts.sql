{#-
    Fivetran's `abandoned_checkout` table (items from
    `abandoned_checkout_line`) in the shape of the contract's raw `carts`
    table (SEGMENTS.md section 1): one row per connector checkout; cleaning
    and rejection happen in stg_shop__carts (DECISIONLOG D66).
-#}

{{ config(enabled=var('raw_source', 'contract') == 'shopify_fivetran') }}


{%- set checkout_table = source('shopify', 'abandoned_checkout') -%}
{%- set is_deleted = shopify_column_or(checkout_table, '_fivetran_deleted', 'false') -%}
{%- set checkout_id_text = 'cast(shopify_checkouts.id as ' ~ dbt.type_string() ~ ')' -%}

with

shopify_checkouts as (

    select
        *,
        coalesce({{ is_deleted }}, false) as is_fivetran_deleted

    from {{ checkout_table }}

),

shopify_checkout_lines as (

    select * from {{ source('shopify', 'abandoned_checkout_line') }}

),

shopify_orders as (

    select * from {{ source('shopify', 'order') }}

),

checkout_items as (

    select
        checkout_id,
        sum(quantity) as items_quantity

    from shopify_checkout_lines
    group by checkout_id

),

checkout_orders as (

    -- the order a completed checkout became, when the order names it
    select
        checkout_token,
        min(cast(id as {{ dbt.type_string() }})) as order_id

    from shopify_orders
    where checkout_token is not null
    group by checkout_token

),

mapped as (

    select
        cast(shopify_checkouts.id as {{ dbt.type_string() }}) as cart_id,
        cast(shopify_checkouts.customer_id as {{ dbt.type_string() }}) as customer_id,
        shopify_checkouts.created_at,
        case
            when shopify_checkouts.is_fivetran_deleted then 0
            else coalesce(checkout_items.items_quantity, 0)
        end as items_quantity,
        shopify_checkouts.total_price as cart_value,
        case
            when shopify_checkouts.completed_at is not null
                then coalesce(
                    checkout_orders.order_id,
                    {{ dbt.concat(["'completed checkout '", checkout_id_text]) }}
                )
        end as converted_order_id,
        shopify_checkouts._fivetran_synced as _loaded_at

    from shopify_checkouts
    left join checkout_items
        on shopify_checkouts.id = checkout_items.checkout_id
    left join checkout_orders
        on shopify_checkouts.token = checkout_orders.checkout_token

)

select * from mapped
