{#- Per raw table: raw rows, and where they went (computed in int_source_tables_reconciled). -#}

with

reconciled as (

    select * from {{ ref('int_source_tables_reconciled') }}

),

final as (

    select
        source_table,
        raw_rows,
        clean_rows,
        rejected_rows,
        superseded_rows

    from reconciled

)

select * from final
