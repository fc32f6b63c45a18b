{%- set column_types = source_column_types(raw_relation('returns')) -%}

with

source as (

    select * from {{ raw_relation('returns') }}

),

parsed as (

    select
        {{ clean_text('return_id') }} as return_id,
        {{ clean_text('order_id') }} as order_id,
        {{ clean_whole_number('returned_quantity', column_types) }} as returned_quantity,
        {{ clean_decimal('refund_amount', column_types) }} as refund_amount,
        {{ clean_timestamp('returned_at', column_types) }} as returned_at,
        {{ clean_timestamp('_loaded_at', column_types) }} as _loaded_at,
        {{ is_missing('_loaded_at', column_types) }} as is_loaded_at_missing,
        {{ is_missing('returned_at', column_types) }} as is_returned_at_missing,
        {{ is_missing('refund_amount', column_types) }} as is_refund_amount_missing,
        {{ is_missing('returned_quantity', column_types) }} as is_returned_quantity_missing,
        {{ raw_text('order_id') }} as raw_order_id,
        {{ raw_text('returned_at') }} as raw_returned_at,
        {{ raw_text('returned_quantity') }} as raw_returned_quantity,
        {{ raw_text('refund_amount') }} as raw_refund_amount

    from source

),

flagged as (

    select
        return_id,
        order_id,
        returned_quantity,
        coalesce(refund_amount, 0) as refund_amount,
        returned_at,
        _loaded_at,
        case
            when return_id is null then 'missing return_id'
            {{ loaded_at_checks() }}
            {{ missing_or_unparseable('returned_at') }}
            when not is_refund_amount_missing and refund_amount is null
                then 'unparseable refund_amount'
            when refund_amount < 0 then 'negative refund_amount'
            {{ missing_or_unparseable('returned_quantity') }}
            when returned_quantity < 1 then 'returned_quantity below 1'
        end as rejection_reason,
        raw_order_id,
        raw_returned_at,
        raw_returned_quantity,
        raw_refund_amount

    from parsed

)

select * from flagged
