{#-
    What the affected customers (int_history_customers_affected) added to the
    stored segment_daily_summary, per lifecycle segment and day, read from the
    stored history before any kept model of this run changes it (issue 13,
    macros/history/segment_summary.sql): segment_daily_summary takes it off
    and adds what they add now.

    Built after int_history_customers_affected and before the kept models the
    summary reads (they depend on it), which it reads without ref() as the
    last run left them. Empty when the summary is recomputed whole: the
    history is rebuilt, or the stored summary does not count the stored
    history (a run cut short between them). Its post-hook notes in the record
    of the last build that the stored summary may no longer count the history
    (segment_summary_note_retraction()).
-#}

-- a table, not a view: segment_daily_summary reads it after the kept models
-- have changed the tables it reads
{{
    config(
        materialized='table',
        post_hook="{{ segment_summary_note_retraction() }}",
    )
}}

{%- set is_current = segment_summary_is_current() %}
{%- if execute %}
    {%- if is_current %}
        {%- do log('segment daily summary: carried forward (the affected customers retracted and added again)', info=true) %}
    {%- elif history_rebuild_reason() is none %}
        {%- do log('segment daily summary: recomputed from the whole stored history (the last run that changed the history did not finish the summary)', info=true) %}
    {%- else %}
        {%- do log('segment daily summary: recomputed from the whole history (the history is rebuilt)', info=true) %}
    {%- endif %}
{%- endif %}

{%- if is_current %}
{%- set previous = history_previous_state() %}

    with

    stored_spells as (

        select
            customer_id,
            lifecycle_segment,
            valid_from,
            valid_to

        from {{ history_stored_relation('customer_segment_history') }}
        where {{ history_affected_filter('customer_id') }}

    ),

    stored_net_revenue_changes as (

        select
            customer_id,
            net_revenue_change,
            changed_on

        from {{ history_stored_relation('int_net_revenue_changes_aggregated') }}
        where {{ history_affected_filter('customer_id') }}

    ),

    stored_segment_changes as (

        select
            from_segment,
            to_segment,
            changed_on

        from {{ history_stored_relation('customer_segment_changes') }}
        where {{ history_affected_filter('customer_id') }}

    ),

    retracted as (

        {{ segment_summary_deltas(
            'stored_spells',
            'stored_net_revenue_changes',
            'stored_segment_changes',
            "cast('" ~ previous.history_start_date ~ "' as date)",
        ) }}

    )

    select
        lifecycle_segment,
        delta_date,
        cast(customers_delta as {{ dbt.type_bigint() }}) as customers_delta,
        cast(net_revenue_delta as {{ money_type() }}) as net_revenue_delta,
        cast(customers_entered as {{ dbt.type_bigint() }}) as customers_entered,
        cast(customers_left as {{ dbt.type_bigint() }}) as customers_left

    from retracted

{%- else %}

    -- the summary is recomputed whole: nothing to retract
    -- depends_on: {{ ref('int_history_customers_affected') }}

    select
        cast(null as {{ dbt.type_string() }}) as lifecycle_segment,
        cast(null as date) as delta_date,
        cast(null as {{ dbt.type_bigint() }}) as customers_delta,
        cast(null as {{ money_type() }}) as net_revenue_delta,
        cast(null as {{ dbt.type_bigint() }}) as customers_entered,
        cast(null as {{ dbt.type_bigint() }}) as customers_left

    where 1 = 0

{%- endif %}
