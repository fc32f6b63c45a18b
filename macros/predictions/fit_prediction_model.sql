{#-
    The fit of SEGMENTS.md section 12 in the warehouse: BG/NBD and Gamma-Gamma
    parameters that maximise the log-likelihoods, found by Nelder-Mead in
    log-parameters. Jinja drives the optimiser at execution time; every
    evaluation of the objective is one aggregate query (run_query) over the
    grouped buyers, so the data never leaves the warehouse (DECISIONLOG D72).
-#}

{% macro fit_prediction_model() %}
    {#-
        The SQL of int_prediction_parameters_fitted: one row of literals,
        the fitted parameters or nulls and a status. At parse time (execute
        false) the same row with nulls, so dbt knows its columns.
    -#}
    {%- set frequencies = ref('int_buyer_frequencies_grouped') -%}
    {%- set levels = ref('int_buyer_repeat_levels_counted') -%}
    {%- set buyers = ref('int_buyers_purchases_summarised') -%}
    {%- set spenders = ref('int_buyer_spends_grouped') -%}
    {%- set fit = {
        'buyers': 0, 'repeat_buyers': 0, 'spend_buyers': 0,
        'r': none, 'alpha': none, 'a': none, 'b': none, 'bgnbd_log_likelihood': none, 'bgnbd_evaluations': 0,
        'p': none, 'q': none, 'gamma': none, 'gamma_gamma_log_likelihood': none, 'gamma_gamma_evaluations': 0,
        'status': 'not fitted (compiled, not run)',
    } -%}
    {#-
        Only when the model runs: compiling (dbt compile, docs generate,
        sqlfluff's dbt templater) renders the null row without querying.
    -#}
    {%- if execute and flags.WHICH in ('run', 'build', 'retry') -%}
        {%- set started = modules.datetime.datetime.now() -%}
        {%- set counts = run_query(
            'select sum(buyers), sum(case when frequency_x > 0 then buyers else 0 end), '
            ~ 'sum(buyers * age_t) / sum(buyers) from ' ~ frequencies
        ).rows[0] -%}
        {#- the mean is exact, like the likelihood sums: the start of the
            Gamma-Gamma search must not depend on the order of the rows (D84) -#}
        {%- set spend = run_query(
            'select count(*), avg(cast(mean_order_value as ' ~ exact_sum_type() ~ ')) from ' ~ buyers
            ~ ' where frequency_x > 0 and mean_order_value > 0'
        ).rows[0] -%}
        {%- do fit.update({
            'buyers': (counts[0] or 0) | int,
            'repeat_buyers': (counts[1] or 0) | int,
            'spend_buyers': (spend[0] or 0) | int,
        }) -%}
        {%- if fit.repeat_buyers < 2 -%}
            {%- do fit.update({'status': 'no fit: ' ~ fit.repeat_buyers ~ ' buyers with a repeat order, at least 2 needed'}) -%}
        {%- else -%}
            {#- start: r = a = b = 1 and alpha = the buyers' mean T (days) -#}
            {%- set bgnbd = _nelder_mead_with_restarts(
                'bgnbd', [0.0, _ln([counts[2] | float, 1.0] | max), 0.0, 0.0],
                {'frequencies': frequencies, 'levels': levels}
            ) -%}
            {%- set parameters = _exp_all(bgnbd.point) -%}
            {%- do fit.update({
                'r': parameters[0], 'alpha': parameters[1], 'a': parameters[2], 'b': parameters[3],
                'bgnbd_log_likelihood': -bgnbd.value, 'bgnbd_evaluations': bgnbd.evaluations,
            }) -%}
            {%- set statuses = [] -%}
            {%- if not bgnbd.accepted -%}
                {%- do statuses.append('BG/NBD fit not accepted after ' ~ bgnbd.evaluations ~ ' evaluations') -%}
            {%- endif -%}
            {%- if fit.spend_buyers < 2 -%}
                {%- do statuses.append('no Gamma-Gamma fit: ' ~ fit.spend_buyers ~ ' repeat buyers with a positive order value, at least 2 needed') -%}
            {%- else -%}
                {%- set gamma_gamma = _nelder_mead_with_restarts(
                    'gamma_gamma', [0.0, _ln(2.0), _ln([spend[1] | float, 1e-4] | max)], {'spenders': spenders}
                ) -%}
                {%- set parameters = _exp_all(gamma_gamma.point) -%}
                {%- do fit.update({
                    'p': parameters[0], 'q': parameters[1], 'gamma': parameters[2],
                    'gamma_gamma_log_likelihood': -gamma_gamma.value, 'gamma_gamma_evaluations': gamma_gamma.evaluations,
                }) -%}
                {%- if not gamma_gamma.accepted -%}
                    {%- do statuses.append('Gamma-Gamma fit not accepted after ' ~ gamma_gamma.evaluations ~ ' evaluations') -%}
                {%- endif -%}
            {%- endif -%}
            {%- do fit.update({'status': statuses | join('; ') if statuses else 'fitted'}) -%}
        {%- endif -%}
        {%- set seconds = (modules.datetime.datetime.now() - started).total_seconds() -%}
        {%- do log(
            'prediction_model: ' ~ fit.status ~ ' in ' ~ '%.2f' | format(seconds) ~ ' s; BG/NBD '
            ~ fit.bgnbd_evaluations ~ ' evaluations (r=' ~ fit.r ~ ', alpha=' ~ fit.alpha ~ ', a=' ~ fit.a ~ ', b=' ~ fit.b
            ~ '), Gamma-Gamma ' ~ fit.gamma_gamma_evaluations ~ ' evaluations (p=' ~ fit.p ~ ', q=' ~ fit.q
            ~ ', gamma=' ~ fit.gamma ~ ')',
            info=true
        ) -%}
    {%- endif -%}
    select
        cast({{ fit.buyers }} as {{ dbt.type_bigint() }}) as buyers,
        cast({{ fit.repeat_buyers }} as {{ dbt.type_bigint() }}) as repeat_buyers,
        {%- for name in ['r', 'alpha', 'a', 'b', 'bgnbd_log_likelihood', 'p', 'q', 'gamma', 'gamma_gamma_log_likelihood'] %}
        {{ double_literal(fit[name]) if fit[name] is not none else 'cast(null as ' ~ double_type() ~ ')' }} as {{ name }},
        {%- endfor %}
        cast({{ fit.bgnbd_evaluations }} as {{ dbt.type_int() }}) as bgnbd_evaluations,
        cast({{ fit.gamma_gamma_evaluations }} as {{ dbt.type_int() }}) as gamma_gamma_evaluations,
        cast('{{ fit.status | replace("'", "''") }}' as {{ dbt.type_string() }}) as status
{%- endmacro %}


{% macro _ln(value) -%}
    {#- ln of a positive float in Jinja (dbt's context has no math module). -#}
    {%- set ns = namespace(value=value | float, total=0.0) -%}
    {%- for _ in range(2000) if ns.value > 2.0 -%}
        {%- set ns.value = ns.value / 2.718281828459045 -%}
        {%- set ns.total = ns.total + 1.0 -%}
    {%- endfor -%}
    {%- for _ in range(2000) if ns.value < 0.5 -%}
        {%- set ns.value = ns.value * 2.718281828459045 -%}
        {%- set ns.total = ns.total - 1.0 -%}
    {%- endfor -%}
    {#- ln(v) for v in [0.5, 2]: 2 atanh((v-1)/(v+1)) -#}
    {%- set y = (ns.value - 1.0) / (ns.value + 1.0) -%}
    {%- set series = namespace(sum=0.0, power=y) -%}
    {%- for k in range(40) -%}
        {%- set series.sum = series.sum + series.power / (2 * k + 1) -%}
        {%- set series.power = series.power * y * y -%}
    {%- endfor -%}
    {{- return(ns.total + 2.0 * series.sum) -}}
{%- endmacro %}


{% macro _exp_all(point) -%}
    {%- set values = [] -%}
    {%- for coordinate in point -%}
        {%- do values.append(2.718281828459045 ** coordinate) -%}
    {%- endfor -%}
    {{- return(values) -}}
{%- endmacro %}
