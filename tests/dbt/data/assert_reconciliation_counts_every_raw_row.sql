{#- source_reconciliation.raw_rows equals the row count of each raw table, read directly. -#}

with

raw_counts as (

    select
        'customers' as source_table,
        count(*) as raw_rows
    from {{ raw_row_source('customers') }}
    union all
    select
        'orders' as source_table,
        count(*) as raw_rows
    from {{ raw_row_source('orders') }}
    union all
    select
        'returns' as source_table,
        count(*) as raw_rows
    from {{ raw_row_source('returns') }}
    union all
    select
        'carts' as source_table,
        count(*) as raw_rows
    from {{ raw_row_source('carts') }}

),

reconciliation as (

    select
        source_table,
        raw_rows
    from {{ ref('source_reconciliation') }}

)

select
    raw_counts.source_table,
    raw_counts.raw_rows as counted_in_source,
    reconciliation.raw_rows as reported
from raw_counts
left join reconciliation
    on raw_counts.source_table = reconciliation.source_table
where reconciliation.raw_rows is null or reconciliation.raw_rows != raw_counts.raw_rows
