{#-
    Every raw cart delivery, numbered by version within its key and flagged
    superseded; the row's own checks come from staging. Incremental: a run
    renumbers only the keys that received deliveries
    (macros/incremental/versioned_deliveries.sql).
-#}

{{
    config(
        materialized=incremental_materialization(),
        unique_key="coalesce(cart_id, '')",
        incremental_strategy='delete+insert',
        on_schema_change='fail',
    )
}}

{{ versioned_deliveries(
    staging=ref('stg_shop__carts'),
    key='cart_id',
    columns=['customer_id', 'converted_order_id', 'items_quantity', 'cart_value', 'created_at', 'rejection_reason'],
    tiebreak_columns=['raw_customer_id', 'raw_created_at', 'raw_items_quantity', 'raw_cart_value', 'raw_converted_order_id'],
) }}
