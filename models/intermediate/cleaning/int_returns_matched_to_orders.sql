{#-
    The one join cleaning needs: a return must belong to a clean order, not be
    dated before it, and refund or return no more than the order's total and
    items (SEGMENTS.md section 1). Keeps every return delivery,
    so that the audit sees superseded versions too.

    Incremental: a run rechecks the returns that received deliveries and the
    returns of orders that did (a corrected order re-validates its returns),
    found by the processed_at stamps of the versioned models.
-#}

{{
    config(
        materialized=incremental_materialization(),
        unique_key="coalesce(return_id, '')",
        incremental_strategy='delete+insert',
        on_schema_change='fail',
    )
}}

{%- set watermark = state_max('processed_at') if is_incremental() else none %}

with

return_versions as (

    select
        return_id,
        order_id,
        returned_quantity,
        refund_amount,
        returned_at,
        _loaded_at,
        version_number,
        is_superseded,
        rejection_reason,
        processed_at

    from {{ ref('int_returns_versioned') }}

),

order_versions as (

    select
        order_id,
        processed_at

    from {{ ref('int_orders_versioned') }}

),

clean_orders as (

    select
        order_id,
        ordered_at,
        order_total,
        items_quantity

    from {{ ref('int_orders_cleaned') }}

),

changed_orders as (

    -- orders that received deliveries since this table's latest run
    select order_versions.order_id
    from order_versions
    where
        {{ newer_than('order_versions.processed_at', watermark) }}
        and order_versions.order_id is not null

),

changed_returns as (

    select coalesce(return_versions.return_id, '') as version_key
    from return_versions
    where {{ newer_than('return_versions.processed_at', watermark) }}

    union

    select coalesce(return_versions.return_id, '') as version_key
    from return_versions
    inner join changed_orders
        on return_versions.order_id = changed_orders.order_id

),

returns_to_check as (

    select *
    from return_versions
    {% if is_incremental() %}
        where coalesce(return_id, '') in (
            select changed_returns.version_key from changed_returns
        )
    {% endif %}

),

orders as (

    -- only the orders of the returns to check
    select clean_orders.*
    from clean_orders
    where clean_orders.order_id in (select returns_to_check.order_id from returns_to_check)

),

matched as (

    select
        returns_to_check.return_id,
        returns_to_check.order_id,
        returns_to_check.returned_quantity,
        returns_to_check.refund_amount,
        returns_to_check.returned_at,
        returns_to_check._loaded_at,
        returns_to_check.version_number,
        returns_to_check.is_superseded,
        case
            when returns_to_check.rejection_reason is not null then returns_to_check.rejection_reason
            when orders.order_id is null then 'order not in clean orders'
            when returns_to_check.returned_at < orders.ordered_at then 'returned before order'
            when returns_to_check.refund_amount > orders.order_total then 'refund_amount above order_total'
            when returns_to_check.returned_quantity > orders.items_quantity
                then 'returned_quantity above items_quantity'
        end as rejection_reason,
        {{ processed_at() }} as processed_at

    from returns_to_check
    left join orders
        on returns_to_check.order_id = orders.order_id

)

select * from matched
