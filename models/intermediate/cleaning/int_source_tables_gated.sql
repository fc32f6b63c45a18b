{#-
    The publication gate (SEGMENTS.md section 8). Every customer-level mart
    depends on this model, so when it fails they are skipped and keep their
    last good state, while rejected_rows and source_reconciliation (not behind
    the gate) say what went wrong. It fails, naming each table and its share,
    when a table's rejected share exceeds max_rejected_pct or a raw table with
    rows yields no clean row (DECISIONLOG D43).
-#}

{%- if execute and flags.WHICH in ('run', 'build') -%}
    {%- do assert_sources_publishable(ref('int_source_tables_reconciled')) -%}
{%- endif %}

with

reconciled as (

    select * from {{ ref('int_source_tables_reconciled') }}

),

gated as (

    select
        source_table,
        raw_rows,
        clean_rows,
        rejected_rows

    from reconciled

)

select * from gated
