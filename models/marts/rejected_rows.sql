{#- One row per rejected raw row: the table, its key, why, and when it was loaded. -#}

with

audited_rows as (

    select * from {{ ref('int_source_rows_audited') }}

),

rejected as (

    select
        source_table,
        record_key,
        rejection_reason as reason,
        _loaded_at

    from audited_rows
    where row_fate = 'rejected'

)

select * from rejected
