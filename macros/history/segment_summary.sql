{#-
    segment_daily_summary by the day (issue 13, DECISIONLOG D93). The summary
    is a sum over customers, so a daily run takes the stored summary, takes
    off what the affected customers (int_history_customers_affected) added to
    it, and adds what they add now:

    - int_segment_summary_deltas_retracted reads the affected customers' old
      contributions from the stored history before any kept model changes it;
    - segment_daily_summary adds their new ones, read from the history this
      run wrote, and carries everyone else's from the stored summary: from the
      recorded as_of_date on, a customer who is not recomputed has no edge and
      no change of net revenue, so their segment and net revenue stay as they
      were that day.

    This holds only while the stored summary counts the stored history. The
    record of the last complete build (int_history_builds_recorded) says so
    (summary_is_current); the retraction's post-hook clears it before the
    history changes and names this run (summary_retracted_in), and the next
    complete build sets it again. A run cut short between the history and the
    summary therefore leaves it cleared, and the next run recomputes the
    summary from the whole stored history, with a line in the log saying why.
-#}

{% macro segment_summary_deltas(spells, net_revenue_changes, segment_changes, start) %}
    {#-
        The body of a CTE: what the customers in `spells` (customer_id,
        lifecycle_segment, valid_from, valid_to), `net_revenue_changes`
        (customer_id, net_revenue_change, changed_on) and `segment_changes`
        (from_segment, to_segment, changed_on) add to segment_daily_summary,
        per lifecycle segment and day, for a history that starts on `start`
        (a SQL date). customers_delta and net_revenue_delta change the
        running totals from that day on; customers_entered and customers_left
        are that day's moves.

        A customer's (segment, net revenue) state changes only on a spell
        start or a change of net revenue: a state adds its customer and net
        revenue to its segment on the day it starts and takes them off on the
        day the next state starts. Its CTE names are not the callers' (a
        nested CTE that shadows an outer one is an error on some engines).
    -#}
    with

    state_changes as (

        -- net revenue earned before the history counts from its first day
        select
            customer_id,
            net_revenue_change,
            greatest(changed_on, {{ start }}) as state_date

        from {{ net_revenue_changes }}

        union all

        select
            customer_id,
            0 as net_revenue_change,
            valid_from as state_date

        from {{ spells }}

    ),

    states as (

        select
            customer_id,
            state_date,
            sum(net_revenue_change) as net_revenue_change

        from state_changes
        group by customer_id, state_date

    ),

    states_with_net_revenue as (

        select
            customer_id,
            state_date,
            sum(net_revenue_change) over (
                partition by customer_id
                order by state_date
                rows between unbounded preceding and current row
            ) as net_revenue,
            lead(state_date) over (
                partition by customer_id
                order by state_date
            ) as next_state_date

        from states

    ),

    states_in_segments as (

        select
            states_with_net_revenue.customer_id,
            spells.lifecycle_segment,
            states_with_net_revenue.net_revenue,
            states_with_net_revenue.state_date,
            states_with_net_revenue.next_state_date

        from states_with_net_revenue
        inner join {{ spells }} as spells
            on
                states_with_net_revenue.customer_id = spells.customer_id
                and states_with_net_revenue.state_date >= spells.valid_from
                and (
                    spells.valid_to is null
                    or states_with_net_revenue.state_date < spells.valid_to
                )

    ),

    contributions as (

        select
            lifecycle_segment,
            state_date as delta_date,
            1 as customers_delta,
            net_revenue as net_revenue_delta,
            0 as customers_entered,
            0 as customers_left

        from states_in_segments

        union all

        select
            lifecycle_segment,
            next_state_date as delta_date,
            -1 as customers_delta,
            -net_revenue as net_revenue_delta,
            0 as customers_entered,
            0 as customers_left

        from states_in_segments
        where next_state_date is not null

        union all

        select
            to_segment as lifecycle_segment,
            changed_on as delta_date,
            0 as customers_delta,
            0 as net_revenue_delta,
            1 as customers_entered,
            0 as customers_left

        from {{ segment_changes }}

        union all

        select
            from_segment as lifecycle_segment,
            changed_on as delta_date,
            0 as customers_delta,
            0 as net_revenue_delta,
            0 as customers_entered,
            1 as customers_left

        from {{ segment_changes }}
        where from_segment is not null

    )

    select
        lifecycle_segment,
        delta_date,
        sum(customers_delta) as customers_delta,
        sum(net_revenue_delta) as net_revenue_delta,
        sum(customers_entered) as customers_entered,
        sum(customers_left) as customers_left

    from contributions
    group by lifecycle_segment, delta_date
{% endmacro %}


{% macro segment_summary_is_current() %}
    {#-
        True when this run carries the history forward and the stored
        segment_daily_summary counts the stored history (the last run that
        changed the history also finished the summary): then
        int_segment_summary_deltas_retracted reads what the affected customers
        added to it.
    -#}
    {%- if not execute or history_rebuild_reason() is not none -%}
        {{- return(false) -}}
    {%- endif -%}
    {{- return(history_previous_state().summary_is_current) -}}
{% endmacro %}


{% macro segment_summary_is_carried() %}
    {#-
        True when segment_daily_summary is carried forward by this run: the
        stored summary exists and this run's
        int_segment_summary_deltas_retracted read the affected customers' old
        contributions while it was current. Otherwise the summary is
        recomputed from the whole stored history.
    -#}
    {%- if not execute or not is_incremental() or history_rebuild_reason() is not none -%}
        {{- return(false) -}}
    {%- endif -%}
    {{- return(history_previous_state().summary_retracted_in == invocation_id) -}}
{% endmacro %}


{% macro segment_summary_note_retraction() %}
    {#-
        The post-hook of int_segment_summary_deltas_retracted, before any kept
        model changes the history: from here until the next complete build the
        stored summary may no longer count the stored history. Notes whether
        this run read the retractions (summary_retracted_in), which
        segment_daily_summary reads to carry itself forward.
    -#}
    {%- if not execute or history_rebuild_reason() is not none -%}
        {{- return('') -}}
    {%- endif -%}
    {%- set retracted_in = "'" ~ invocation_id ~ "'" if segment_summary_is_current() else 'null' -%}
    {{- return(
        'update ' ~ history_state_relation()
        ~ ' set summary_is_current = false, summary_retracted_in = ' ~ retracted_in
    ) -}}
{% endmacro %}


{% macro segment_summary_prepare() %}
    {#- The pre-hook of segment_daily_summary: a summary recomputed whole first empties the stored one. -#}
    {%- if not execute or not is_incremental() or segment_summary_is_carried() -%}
        {{- return('') -}}
    {%- endif -%}
    {{- return('delete from ' ~ this) -}}
{% endmacro %}


{% macro segment_summary_trim() %}
    {#- The post-hook of segment_daily_summary: a summary carried forward drops the days before the new history_start_date. -#}
    {%- if not execute or not segment_summary_is_carried() -%}
        {{- return('') -}}
    {%- endif -%}
    {{- return('delete from ' ~ this ~ ' where summary_date < ' ~ history_start_date()) -}}
{% endmacro %}
