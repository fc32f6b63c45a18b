{%- set column_types = source_column_types(raw_relation('orders')) -%}

with

source as (

    select * from {{ raw_relation('orders') }}

),

parsed as (

    select
        {{ clean_text('order_id') }} as order_id,
        {{ clean_text('customer_id') }} as customer_id,
        lower({{ clean_text('status') }}) as order_status,
        {{ clean_decimal('order_total', column_types) }} as order_total,
        {{ clean_whole_number('items_quantity', column_types) }} as items_quantity,
        {{ clean_timestamp('ordered_at', column_types) }} as ordered_at,
        {{ clean_timestamp('_loaded_at', column_types) }} as _loaded_at,
        {{ is_missing('_loaded_at', column_types) }} as is_loaded_at_missing,
        {{ is_missing('ordered_at', column_types) }} as is_ordered_at_missing,
        {{ is_missing('order_total', column_types) }} as is_order_total_missing,
        {{ is_missing('items_quantity', column_types) }} as is_items_quantity_missing,
        {{ raw_text('customer_id') }} as raw_customer_id,
        {{ raw_text('ordered_at') }} as raw_ordered_at,
        {{ raw_text('status') }} as raw_status,
        {{ raw_text('order_total') }} as raw_order_total,
        {{ raw_text('items_quantity') }} as raw_items_quantity

    from source

),

flagged as (

    select
        order_id,
        customer_id,
        order_status,
        order_total,
        items_quantity,
        ordered_at,
        _loaded_at,
        case
            when order_id is null then 'missing order_id'
            {{ loaded_at_checks() }}
            when customer_id is null then 'missing customer_id'
            {{ missing_or_unparseable('ordered_at') }}
            {{ missing_or_unparseable('order_total') }}
            when order_total < 0 then 'negative order_total'
            {{ missing_or_unparseable('items_quantity') }}
            when items_quantity < 1 then 'items_quantity below 1'
        end as rejection_reason,
        raw_customer_id,
        raw_ordered_at,
        raw_status,
        raw_order_total,
        raw_items_quantity

    from parsed

)

select * from flagged
