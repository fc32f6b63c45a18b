{#-
    The segment history grows by the day (issue 13, docs/scale.md "The segment
    history by the day"). A daily run recomputes only the customers whose
    history can have changed since the last complete history build
    (int_history_customers_affected) and moves every other customer's history
    to the new history_start_date by deletes; int_history_builds_recorded records what
    the last complete build was built with. Anything that invalidates the
    stored history (--full-refresh, no record of a complete build, a setting
    the rules read, history_start_date moved earlier, as_of_date moved back, a
    run that does not select every model of the history) rebuilds it, with a
    line in the log saying why.

    The incremental models are int_customer_order_dates_aggregated,
    int_net_revenue_changes_aggregated, int_segment_edges_unioned,
    int_segment_edges_evaluated, customer_segment_history and
    customer_segment_changes: each runs history_increment_prepare() as its
    pre-hook and reads its inputs through history_increment_filter().
    segment_daily_summary is kept by the day too, by sums rather than rows
    (macros/history/segment_summary.sql).
-#}

{% macro history_incremental_models() %}
    {#- The models kept by the day, in build order (int_history_builds_recorded checks that a run selects them all). -#}
    {{- return([
        'int_history_customers_affected',
        'int_segment_summary_deltas_retracted',
        'int_customer_order_dates_aggregated',
        'int_net_revenue_changes_aggregated',
        'int_segment_edges_unioned',
        'int_segment_edges_evaluated',
        'customer_segment_history',
        'customer_segment_changes',
        'segment_daily_summary',
    ]) -}}
{% endmacro %}


{% macro history_rules_vars() %}
    {#-
        The vars the history's rules read besides as_of_date and
        history_start_date: a change to any of them rebuilds the history
        (tests/test_manifest.py checks the list against what the history
        models read).
    -#}
    {{- return([
        'raw_source', 'raw_schema', 'raw_database', 'shopify_schema', 'shopify_database',
        'reporting_timezone', 'excluded_order_statuses',
        'new_signup_window_days', 'active_window_days',
    ]) -}}
{% endmacro %}


{% macro history_rules_key() %}
    {#- The values of history_rules_vars(), as one text: what the stored history was built with. -#}
    {%- set values = {} -%}
    {%- for name in history_rules_vars() -%}
        {%- do values.update({name: var(name, none)}) -%}
    {%- endfor -%}
    {{- return(tojson(values, sort_keys=true)) -}}
{% endmacro %}


{% macro history_state_relation() %}
    {#-
        int_history_builds_recorded, looked up without ref(): it is built
        after the models that read it.
    -#}
    {{- return(history_stored_relation('int_history_builds_recorded')) -}}
{% endmacro %}


{% macro history_stored_relation(name) %}
    {#-
        The stored table of a model of this project as the last run left it,
        or none: for reading a model built after the reader, without ref().
        Found through the graph, in the model's own schema: the marts and the
        intermediate models are built in different ones (DECISIONLOG D91).
    -#}
    {%- for node in graph.nodes.values()
        if node.resource_type == 'model'
        and node.package_name == 'lifecycle_segments'
        and node.name == name -%}
        {{- return(adapter.get_relation(database=node.database, schema=node.schema, identifier=node.alias)) -}}
    {%- endfor -%}
    {{- return(none) -}}
{% endmacro %}


{% macro history_previous_state() %}
    {#-
        The record of the last complete history build (as_of_date,
        history_start_date, rules_key, processed_at, furthest_*, summary_*),
        or none.
    -#}
    {%- if not execute -%}
        {{- return(none) -}}
    {%- endif -%}
    {%- set relation = history_state_relation() -%}
    {%- if relation is none -%}
        {{- return(none) -}}
    {%- endif -%}
    {#- a record an older version wrote, without the columns read here: rebuild -#}
    {%- set names = adapter.get_columns_in_relation(relation) | map(attribute='name') | map('lower') | list -%}
    {%- if 'summary_retracted_in' not in names -%}
        {{- return(none) -}}
    {%- endif -%}
    {%- set rows = run_query(
        'select as_of_date, history_start_date, rules_key, processed_at,'
        ~ ' furthest_as_of_date, furthest_history_start_date, summary_is_current, summary_retracted_in'
        ~ ' from ' ~ relation
    ).rows -%}
    {%- if rows | length != 1 or rows[0][3] is none -%}
        {{- return(none) -}}
    {%- endif -%}
    {{- return({
        'as_of_date': rows[0][0] | string,
        'history_start_date': rows[0][1] | string,
        'rules_key': rows[0][2],
        'processed_at': rows[0][3],
        'furthest_as_of_date': rows[0][4] | string,
        'furthest_history_start_date': rows[0][5] | string,
        'summary_is_current': rows[0][6] is true,
        'summary_retracted_in': rows[0][7],
    }) -}}
{% endmacro %}


{% macro history_rebuild_reason() %}
    {#- Why the stored history cannot be carried forward by this run, or none when it can. -#}
    {%- if flags.FULL_REFRESH -%}
        {{- return('--full-refresh') -}}
    {%- endif -%}
    {%- if incremental_materialization() != 'incremental' -%}
        {{- return('on ' ~ target.type ~ ' the kept models are tables rebuilt by every run') -}}
    {%- endif -%}
    {%- if not history_run_is_complete() -%}
        {{- return('the run does not select every model of the history: ' ~ history_incremental_models() | join(', ')) -}}
    {%- endif -%}
    {%- set previous = history_previous_state() -%}
    {%- if previous is none -%}
        {{- return('no record of a complete history build (int_history_builds_recorded; a run whose history checks fail drops it)') -}}
    {%- endif -%}
    {%- set rules_key = history_rules_key() -%}
    {%- if previous.rules_key != rules_key -%}
        {{- return('settings the history rules read changed: ' ~ previous.rules_key ~ ' -> ' ~ rules_key) -}}
    {%- endif -%}
    {#- against the furthest any run has carried the history since (one cut short included) -#}
    {%- if get_history_start_date() < previous.furthest_history_start_date -%}
        {{- return('history_start_date moved earlier: ' ~ previous.furthest_history_start_date ~ ' -> ' ~ get_history_start_date()) -}}
    {%- endif -%}
    {%- if get_as_of_date() < previous.furthest_as_of_date -%}
        {{- return('as_of_date moved back: ' ~ previous.furthest_as_of_date ~ ' -> ' ~ get_as_of_date()) -}}
    {%- endif -%}
    {{- return(none) -}}
{% endmacro %}


{% macro history_is_incremental() %}
    {#- True when this model carries its stored history forward; false when it builds it whole. -#}
    {{- return(execute and is_incremental() and history_rebuild_reason() is none) -}}
{% endmacro %}


{% macro history_increment_filter(customer_id) -%}
    {#- A where-condition: every customer in a rebuild, the affected customers in a daily run. -#}
    {%- if history_is_incremental() -%}
        {{ history_affected_filter(customer_id) }}
    {%- else -%}
        1 = 1
    {%- endif -%}
{%- endmacro %}


{% macro history_affected_filter(customer_id) -%}
    {#- A where-condition: the customers in int_history_customers_affected. -#}
    {{ customer_id }} in (select affected.customer_id from {{ ref('int_history_customers_affected') }} as affected)
{%- endmacro %}


{% macro history_increment_prepare(kind) %}
    {#-
        The pre-hook of an incremental history model (`kind`: order_dates,
        net_revenue, edges, evaluated, spells, changes). A rebuild empties the
        table; a daily run deletes the affected customers' rows (the model
        inserts them again) and moves everyone else to the new
        history_start_date, which is a delete (and for the edges, one row at
        the new start per customer): the segment changes only on edge dates,
        so a customer's state on the new first day is the state of their last
        edge before it.
    -#}
    {%- if not execute or not is_incremental() -%}
        {{- return('') -}}
    {%- endif -%}
    {%- if history_rebuild_reason() is not none -%}
        {{- return('delete from ' ~ this) -}}
    {%- endif -%}
    {%- set start = history_start_date() -%}
    {%- set moved = get_history_start_date() > history_previous_state().history_start_date -%}
    {%- set statements = [
        'delete from ' ~ this ~ ' where customer_id in (select affected.customer_id from '
        ~ ref('int_history_customers_affected') ~ ' as affected)'
    ] -%}
    {%- if moved and kind == 'edges' -%}
        {#-
            every customer has one row at the table's first day, which lies
            between the recorded start and the new one (a run cut short may
            have moved it): reading that range finds every customer without
            reading the order days before it
        -#}
        {%- do statements.append(
            'insert into ' ~ this ~ ' (customer_id, edge_date, orders_placed)'
            ~ ' select distinct edges.customer_id, ' ~ start ~ ', 0 from ' ~ this ~ ' as edges'
            ~ " where edges.edge_date >= cast('" ~ history_previous_state().history_start_date ~ "' as date)"
            ~ ' and edges.edge_date < ' ~ start
            ~ ' and not exists (select 1 from ' ~ this ~ ' as at_start'
            ~ ' where at_start.customer_id = edges.customer_id and at_start.edge_date = ' ~ start ~ ')'
        ) -%}
        {%- do statements.append('delete from ' ~ this ~ ' where edge_date < ' ~ start ~ ' and orders_placed = 0') -%}
    {%- elif moved and kind == 'evaluated' -%}
        {%- set columns = 'customer_id, lifecycle_segment, orders_count, signed_up_date, last_order_date' -%}
        {%- do statements.append(
            'insert into ' ~ this ~ ' (' ~ columns ~ ', edge_date)'
            ~ ' select ' ~ columns ~ ', ' ~ start ~ ' from ('
            ~ ' select *, row_number() over (partition by customer_id order by edge_date desc) as edge_rank'
            ~ ' from ' ~ this ~ ' where edge_date < ' ~ start ~ ') as latest'
            ~ ' where latest.edge_rank = 1 and not exists (select 1 from ' ~ this ~ ' as at_start'
            ~ ' where at_start.customer_id = latest.customer_id and at_start.edge_date = ' ~ start ~ ')'
        ) -%}
        {%- do statements.append('delete from ' ~ this ~ ' where edge_date < ' ~ start) -%}
    {%- elif moved and kind == 'spells' -%}
        {%- do statements.append('delete from ' ~ this ~ ' where valid_to <= ' ~ start) -%}
        {%- do statements.append('update ' ~ this ~ ' set valid_from = ' ~ start ~ ' where valid_from < ' ~ start) -%}
    {%- elif moved and kind == 'changes' -%}
        {%- do statements.append('delete from ' ~ this ~ ' where changed_on <= ' ~ start) -%}
    {%- endif -%}
    {{- return(statements | join(';\n')) -}}
{% endmacro %}


{% macro history_note_run_start() %}
    {#-
        The pre-hook of int_history_customers_affected, before any kept model
        changes. A rebuild drops the record of the last complete build, so
        that a rebuild cut short is redone by the next run. A daily run notes
        in the record how far it carries the history (furthest_*): a run cut
        short may leave some kept models there, and a later run for an
        earlier as_of_date or history_start_date must then rebuild.
    -#}
    {%- if not execute -%}
        {{- return('') -}}
    {%- endif -%}
    {%- set relation = history_state_relation() -%}
    {%- if history_rebuild_reason() is none -%}
        {{- return(
            'update ' ~ relation
            ~ ' set furthest_as_of_date = greatest(furthest_as_of_date, ' ~ as_of_date() ~ '),'
            ~ ' furthest_history_start_date = greatest(furthest_history_start_date, ' ~ history_start_date() ~ ')'
        ) -}}
    {%- endif -%}
    {%- if relation is not none -%}
        {#- through the adapter, which keeps dbt's cache of relations right -#}
        {%- do adapter.drop_relation(relation) -%}
    {%- endif -%}
    {{- return('') -}}
{% endmacro %}


{% macro history_run_is_complete() %}
    {#- True when this run selects every model of the history kept by the day (int_history_builds_recorded). -#}
    {%- for name in history_incremental_models() -%}
        {%- if 'model.lifecycle_segments.' ~ name not in selected_resources -%}
            {{- return(false) -}}
        {%- endif -%}
    {%- endfor -%}
    {{- return(true) -}}
{% endmacro %}


{% macro _days_before(day, days) %}
    {#- A Python date `days` days before `day`, no earlier than 0001-01-01. -#}
    {%- set earliest = modules.datetime.date(1, 1, 1) -%}
    {%- if (day - earliest).days <= days -%}
        {{- return(earliest) -}}
    {%- endif -%}
    {{- return(day - modules.datetime.timedelta(days=days)) -}}
{% endmacro %}
