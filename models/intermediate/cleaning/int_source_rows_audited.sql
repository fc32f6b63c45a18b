{#- Every raw row of the four tables with its fate: clean, rejected or superseded. -#}

with

customers as (

    select * from {{ ref('int_customers_versioned') }}

),

orders as (

    select * from {{ ref('int_orders_versioned') }}

),

returns as (

    select * from {{ ref('int_returns_matched_to_orders') }}

),

carts as (

    select * from {{ ref('int_carts_versioned') }}

),

unioned as (

    select
        'customers' as source_table,
        customer_id as record_key,
        version_number,
        is_superseded,
        rejection_reason,
        _loaded_at
    from customers
    union all
    select
        'orders' as source_table,
        order_id as record_key,
        version_number,
        is_superseded,
        rejection_reason,
        _loaded_at
    from orders
    union all
    select
        'returns' as source_table,
        return_id as record_key,
        version_number,
        is_superseded,
        rejection_reason,
        _loaded_at
    from returns
    union all
    select
        'carts' as source_table,
        cart_id as record_key,
        version_number,
        is_superseded,
        rejection_reason,
        _loaded_at
    from carts

),

audited as (

    select
        source_table,
        record_key,
        version_number,
        is_superseded,
        case when not is_superseded then rejection_reason end as rejection_reason,
        case
            when is_superseded then 'superseded'
            when rejection_reason is not null then 'rejected'
            else 'clean'
        end as row_fate,
        _loaded_at

    from unioned

)

select * from audited
