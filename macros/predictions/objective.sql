{#-
    The objective Nelder-Mead minimises: the negative log-likelihood of each
    candidate point, one aggregate query per step (fit_prediction_model.sql).
-#}

{% macro _objective(kind, points, relations) -%}
    {#-
        The negative log-likelihood at each point (log-parameters), from one
        query that evaluates every point: one round trip per batch.
    -#}
    {%- set candidates = [] -%}
    {%- for point in points -%}
        {%- set parameters = _exp_all(point) -%}
        {%- set columns = [] -%}
        {%- for value in parameters -%}
            {%- do columns.append(double_literal(value) ~ ' as parameter_' ~ loop.index) -%}
        {%- endfor -%}
        {%- do candidates.append('select ' ~ loop.index0 ~ ' as candidate_id, ' ~ columns | join(', ')) -%}
    {%- endfor -%}
    {%- if kind == 'bgnbd' -%}
        {%- set sql = bgnbd_log_likelihood_sql(candidates | join('\n union all \n'), relations.frequencies, relations.levels) -%}
    {%- else -%}
        {%- set sql = gamma_gamma_log_likelihood_sql(candidates | join('\n union all \n'), relations.spenders) -%}
    {%- endif -%}
    {%- set values = [] -%}
    {%- for _ in points -%}
        {%- do values.append(1e300) -%}
    {%- endfor -%}
    {%- for row in run_query(sql).rows -%}
        {%- set value = row[1] -%}
        {%- if value is not none and (value | float) == (value | float) and (value | float) < 1e300 and (value | float) > -1e300 -%}
            {%- do values.pop(row[0] | int) -%}
            {%- do values.insert(row[0] | int, -(value | float)) -%}
        {%- endif -%}
    {%- endfor -%}
    {{- return(values) -}}
{%- endmacro %}


{% macro exact_sum_type(scale=9) -%}
    {#-
        The type a sum of doubles goes through to be the same whatever the
        order of its rows: each row rounded to `scale` decimals, then summed
        exactly. A plain sum of doubles differs in the last bits when the
        same rows arrive in another order (threads, another physical layout
        after an incremental run), and Nelder-Mead may then take another
        path: the same data must give the same fit (DECISIONLOG D75).
    -#}
    decimal(38, {{ scale }})
{%- endmacro %}


{% macro log_add_exp(left, right) -%}
    {#-
        ln(e^left + e^right) without overflow; exp's argument is kept above
        -700, where PostgreSQL would stop on an underflow.
    -#}
    (greatest({{ left }}, {{ right }}) + ln(1 + exp(greatest(least({{ left }}, {{ right }}) - greatest({{ left }}, {{ right }}), -700))))
{%- endmacro %}
