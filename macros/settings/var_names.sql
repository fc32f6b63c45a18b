{#-
    The project's vars, and the warning for a var it does not know.
-#}

{% macro project_var_names() %}
    {#- Every var of the project (dbt_project.yml; tests/test_settings.py checks the two agree). -#}
    {{- return([
        'raw_schema', 'raw_database', 'as_of_date', 'reporting_timezone', 'excluded_order_statuses',
        'new_signup_window_days', 'active_window_days', 'new_customer_window_days',
        'high_potential_min_pct', 'one_off_after_days', 'frequent_returner_min_returns',
        'frequent_returner_min_return_pct', 'multi_item_min_items', 'value_tier_high_min_pct',
        'value_tier_medium_min_pct', 'late_churn_min_tenure_days', 'cart_abandonment_window_days',
        'max_rejected_pct', 'history_start_date', 'sync_email_as_sha256',
        'raw_source', 'shopify_schema', 'shopify_database',
        'adaptive_window_pct', 'holdout_pct', 'holdout_salt', 'holdout_measure_days',
        'prediction_horizon_days',
    ]) -}}
{% endmacro %}


{% macro _warn_unknown_vars() %}
    {#-
        A var given on the command line that the project does not know is most
        likely a misspelt one, silently ignored by dbt: warn, naming the closest
        known var. In a host project (this one installed as a package) only a
        near miss is named, since the host's own vars are not ours to judge.
        Vars set in a dbt_project.yml cannot be listed from Jinja (DECISIONLOG D41).
    -#}
    {%- set known = project_var_names() -%}
    {%- set given = invocation_args_dict.get('vars') or {} -%}
    {%- if given is mapping -%}
        {%- for name in given.keys() | sort if name not in known -%}
            {%- set ns = namespace(best=none, distance=1000) -%}
            {%- for candidate in known -%}
                {%- set distance = _edit_distance(name | lower, candidate) -%}
                {%- if distance < ns.distance -%}
                    {%- set ns.best, ns.distance = candidate, distance -%}
                {%- endif -%}
            {%- endfor -%}
            {%- set near = ns.distance <= [3, (name | length) // 3] | max -%}
            {%- if project_name == 'lifecycle_segments' or near -%}
                {%- do exceptions.warn(
                    'Unknown var ' ~ name ~ ': lifecycle_segments does not read it, so it changes nothing. '
                    ~ 'Did you mean ' ~ ns.best ~ '?'
                ) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
{% endmacro %}


{% macro _edit_distance(left, right) %}
    {#- Levenshtein distance between two short texts. -#}
    {%- set ns = namespace(previous=range(right | length + 1) | list) -%}
    {%- for left_index in range(left | length) -%}
        {%- set current = [left_index + 1] -%}
        {%- for right_index in range(right | length) -%}
            {%- set cost = 0 if left[left_index] == right[right_index] else 1 -%}
            {%- do current.append([ns.previous[right_index + 1] + 1, current[right_index] + 1, ns.previous[right_index] + cost] | min) -%}
        {%- endfor -%}
        {%- set ns.previous = current -%}
    {%- endfor -%}
    {{- return(ns.previous[-1]) -}}
{% endmacro %}
