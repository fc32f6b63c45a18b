{%- set column_types = source_column_types(raw_relation('carts')) -%}

with

source as (

    select * from {{ raw_relation('carts') }}

),

parsed as (

    select
        {{ clean_text('cart_id') }} as cart_id,
        {{ clean_text('customer_id') }} as customer_id,
        {{ clean_text('converted_order_id') }} as converted_order_id,
        {{ clean_whole_number('items_quantity', column_types) }} as items_quantity,
        {{ clean_decimal('cart_value', column_types) }} as cart_value,
        {{ clean_timestamp('created_at', column_types) }} as created_at,
        {{ clean_timestamp('_loaded_at', column_types) }} as _loaded_at,
        {{ is_missing('_loaded_at', column_types) }} as is_loaded_at_missing,
        {{ is_missing('created_at', column_types) }} as is_created_at_missing,
        {{ is_missing('cart_value', column_types) }} as is_cart_value_missing,
        {{ is_missing('items_quantity', column_types) }} as is_items_quantity_missing,
        {{ raw_text('customer_id') }} as raw_customer_id,
        {{ raw_text('created_at') }} as raw_created_at,
        {{ raw_text('items_quantity') }} as raw_items_quantity,
        {{ raw_text('cart_value') }} as raw_cart_value,
        {{ raw_text('converted_order_id') }} as raw_converted_order_id

    from source

),

flagged as (

    select
        cart_id,
        customer_id,
        converted_order_id,
        items_quantity,
        coalesce(cart_value, 0) as cart_value,
        created_at,
        _loaded_at,
        case
            when cart_id is null then 'missing cart_id'
            {{ loaded_at_checks() }}
            {{ missing_or_unparseable('created_at') }}
            when not is_cart_value_missing and cart_value is null
                then 'unparseable cart_value'
            when cart_value < 0 then 'negative cart_value'
            {{ missing_or_unparseable('items_quantity') }}
            when items_quantity < 0 then 'items_quantity below 0'
        end as rejection_reason,
        raw_customer_id,
        raw_created_at,
        raw_items_quantity,
        raw_cart_value,
        raw_converted_order_id

    from parsed

)

select * from flagged
