{% macro forget_history_after_failed_checks(results) %}
    {#-
        A daily run carries the stored segment history forward and recomputes
        only the customers whose rows changed, so a history that failed its
        checks would stay wrong in every later run (a full refresh at 10M
        customers once lacked one customer's first spell, and the daily runs
        kept it: bench/results-analysis.md). At the end of every run, build or
        test (on-run-end): when a data test on a model of the history failed,
        drop int_history_builds_recorded, the record of its last complete
        build, so that the next run rebuilds the history whole and says why
        (history_rebuild_reason(); DECISIONLOG D91). A test that errored
        instead of failing says nothing about the rows, and leaves it.
    -#}
    {%- if execute -%}
        {%- set history_models = history_incremental_models() + ['int_history_builds_recorded'] -%}
        {%- set failed = [] -%}
        {%- for result in results
            if result.node.resource_type == 'test' and result.status == 'fail' -%}
            {%- for parent in result.node.depends_on.nodes
                if parent.split('.')[-1] in history_models and result.node.name not in failed -%}
                {%- do failed.append(result.node.name) -%}
            {%- endfor -%}
        {%- endfor -%}
        {%- if failed -%}
            {%- set record = history_state_relation() -%}
            {%- if record is not none -%}
                {{ log(
                    'The segment history failed ' ~ failed | length ~ ' check(s): ' ~ failed | join(', ')
                    ~ '. Dropping ' ~ record ~ ', the record of its last build, so that the next run '
                    ~ 'rebuilds the history instead of carrying it forward (DECISIONLOG D91)',
                    info=true
                ) }}
                {#- in a transaction committed here, whatever the hooks' connection holds -#}
                {%- call statement('forget_history_record', auto_begin=true) -%}
                    drop table if exists {{ record }}
                {%- endcall -%}
                {%- do adapter.commit() -%}
            {%- endif -%}
        {%- endif -%}
    {%- endif -%}
    select 1
{% endmacro %}
