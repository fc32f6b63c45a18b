{%- set column_types = source_column_types(raw_relation('customers')) -%}

with

source as (

    select * from {{ raw_relation('customers') }}

),

parsed as (

    select
        {{ clean_text('customer_id') }} as customer_id,
        {{ clean_email('email') }} as email,
        {{ clean_boolean('accepts_marketing', column_types) }} as accepts_marketing,
        {{ clean_timestamp('signed_up_at', column_types) }} as signed_up_at,
        {{ clean_timestamp('_loaded_at', column_types) }} as _loaded_at,
        {{ is_missing('_loaded_at', column_types) }} as is_loaded_at_missing,
        {{ is_missing('signed_up_at', column_types) }} as is_signed_up_at_missing,
        {{ raw_text('email') }} as raw_email,
        {{ raw_text('signed_up_at') }} as raw_signed_up_at,
        {{ raw_text('accepts_marketing') }} as raw_accepts_marketing

    from source

),

flagged as (

    select
        customer_id,
        email,
        accepts_marketing,
        signed_up_at,
        _loaded_at,
        case
            when customer_id is null then 'missing customer_id'
            {{ loaded_at_checks() }}
            when not is_signed_up_at_missing and signed_up_at is null
                then 'unparseable signed_up_at'
        end as rejection_reason,
        raw_email,
        raw_signed_up_at,
        raw_accepts_marketing

    from parsed

)

select * from flagged
