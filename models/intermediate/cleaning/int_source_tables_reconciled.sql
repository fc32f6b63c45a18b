{#-
    Per raw table: raw rows, and where they went. Clean rows are counted from
    the clean models themselves, so the balance
    raw_rows = clean_rows + rejected_rows + superseded_rows
    (a test on source_reconciliation) proves that cleaning loses nothing.
    A table: the public mart and the publication gate both read it.
-#}

-- a table: read by source_reconciliation and by the publication gate
{{ config(materialized='table') }}

with

audited_rows as (

    select * from {{ ref('int_source_rows_audited') }}

),

clean_customers as (

    select count(*) as clean_rows from {{ ref('int_customers_cleaned') }}

),

clean_orders as (

    select count(*) as clean_rows from {{ ref('int_orders_cleaned') }}

),

clean_returns as (

    select count(*) as clean_rows from {{ ref('int_returns_cleaned') }}

),

clean_carts as (

    select count(*) as clean_rows from {{ ref('int_carts_cleaned') }}

),

clean_counts as (

    select
        'customers' as source_table,
        clean_rows
    from clean_customers
    union all
    select
        'orders' as source_table,
        clean_rows
    from clean_orders
    union all
    select
        'returns' as source_table,
        clean_rows
    from clean_returns
    union all
    select
        'carts' as source_table,
        clean_rows
    from clean_carts

),

audited_counts as (

    select
        source_table,
        count(*) as raw_rows,
        sum(case when row_fate = 'rejected' then 1 else 0 end) as rejected_rows,
        sum(case when row_fate = 'superseded' then 1 else 0 end) as superseded_rows

    from audited_rows
    group by source_table

),

reconciled as (

    select
        clean_counts.source_table,
        cast(coalesce(audited_counts.raw_rows, 0) as {{ dbt.type_bigint() }}) as raw_rows,
        cast(clean_counts.clean_rows as {{ dbt.type_bigint() }}) as clean_rows,
        cast(coalesce(audited_counts.rejected_rows, 0) as {{ dbt.type_bigint() }}) as rejected_rows,
        cast(coalesce(audited_counts.superseded_rows, 0) as {{ dbt.type_bigint() }}) as superseded_rows

    from clean_counts
    left join audited_counts
        on clean_counts.source_table = audited_counts.source_table

)

select * from reconciled
