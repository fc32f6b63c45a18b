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
        {%- set spend = run_query(
            'select count(*), avg(mean_order_value) from ' ~ buyers
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
                    'gamma_gamma', [0.0, _ln(2.0), _ln([spend[1] | float, 1e-4] | max)], {'buyers': buyers}
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
        {%- set sql = gamma_gamma_log_likelihood_sql(candidates | join('\n union all \n'), relations.buyers) -%}
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


{% macro bgnbd_log_likelihood_sql(candidates_sql, frequencies, levels) -%}
    {#-
        Section 12's BG/NBD log-likelihood summed over all buyers, per
        candidate (parameter_1..4 = r, alpha, a, b). The Γ ratios of whole x
        are sums of logarithms over i < x: Σ_i (buyers with x > i) ·
        [ln(r+i) + ln(b+i) − ln(a+b+i)], from the repeat levels; the rest is
        summed over the distinct (x, t_x, T) with their buyer counts.
    -#}
    with

    candidates as (
        {{ candidates_sql }}
    ),

    frequencies as (

        select frequency_x, recency_t_x, age_t, buyers
        from {{ frequencies }}

    ),

    levels as (

        select repeat_level, buyers
        from {{ levels }}

    ),

    terms as (

        select
            candidates.candidate_id,
            frequencies.buyers,
            candidates.parameter_1 * ln(candidates.parameter_2) as scale_term,
            -(candidates.parameter_1 + frequencies.frequency_x) * ln(candidates.parameter_2 + frequencies.age_t) as alive_term,
            case
                when frequencies.frequency_x > 0
                    then ln(candidates.parameter_3) - ln(candidates.parameter_4 + frequencies.frequency_x - 1)
                    - (candidates.parameter_1 + frequencies.frequency_x) * ln(candidates.parameter_2 + frequencies.recency_t_x)
            end as dropout_term

        from candidates
        cross join frequencies

    ),

    per_group as (

        select
            candidate_id,
            -- summed as decimals: the same whatever the rows' order (D75)
            cast(sum(cast(buyers * (
                scale_term
                + case
                    when dropout_term is null then alive_term
                    else {{ log_add_exp('alive_term', 'dropout_term') }}
                end
            ) as {{ exact_sum_type() }})) as {{ double_type() }}) as log_likelihood

        from terms
        group by candidate_id

    ),

    per_level as (

        select
            candidates.candidate_id,
            cast(sum(cast(levels.buyers * (
                ln(candidates.parameter_1 + levels.repeat_level)
                + ln(candidates.parameter_4 + levels.repeat_level)
                - ln(candidates.parameter_3 + candidates.parameter_4 + levels.repeat_level)
            ) as {{ exact_sum_type() }})) as {{ double_type() }}) as log_likelihood

        from candidates
        cross join levels
        group by candidates.candidate_id

    )

    select
        per_group.candidate_id,
        per_group.log_likelihood + coalesce(per_level.log_likelihood, 0) as log_likelihood

    from per_group
    left join per_level
        on per_group.candidate_id = per_level.candidate_id
{%- endmacro %}


{% macro gamma_gamma_log_likelihood_sql(candidates_sql, buyers) -%}
    {#-
        Section 12's Gamma-Gamma log-likelihood over the buyers with x > 0 and
        m > 0, per candidate (parameter_1..3 = p, q, gamma), over distinct
        (x, m) with their counts.
    -#}
    with

    candidates as (
        {{ candidates_sql }}
    ),

    spenders as (

        select
            cast(frequency_x as {{ double_type() }}) as frequency_x,
            mean_order_value,
            count(*) as buyers

        from {{ buyers }}
        where frequency_x > 0 and mean_order_value > 0
        group by frequency_x, mean_order_value

    ),

    terms as (

        select
            candidates.candidate_id,
            spenders.buyers,
            candidates.parameter_1 * spenders.frequency_x as shape,
            candidates.parameter_2 as q,
            candidates.parameter_3 as scale,
            spenders.frequency_x,
            spenders.mean_order_value

        from candidates
        cross join spenders

    )

    select
        candidate_id,
        cast(sum(cast(buyers * (
            {{ lgamma('shape + q') }} - {{ lgamma('shape') }} - {{ lgamma('q') }}
            + q * ln(scale) + (shape - 1) * ln(mean_order_value) + shape * ln(frequency_x)
            - (shape + q) * ln(scale + mean_order_value * frequency_x)
        ) as {{ exact_sum_type() }})) as {{ double_type() }}) as log_likelihood

    from terms
    group by candidate_id
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


{% macro _nelder_mead_with_restarts(kind, start, relations) -%}
    {#-
        Nelder-Mead from `start`, restarted from its best point with a fresh
        simplex until a restart improves the objective by no more than 1e-9
        relative (within section 12's 1e-6 of the maximum: accepted), at most
        8 runs.
    -#}
    {%- set state = namespace(point=start, value=none, evaluations=0, accepted=false, done=false) -%}
    {%- for run in range(8) if not state.done -%}
        {%- set result = _nelder_mead(kind, state.point, 0.5 if run == 0 else 0.1, relations) -%}
        {%- set state.evaluations = state.evaluations + result.evaluations -%}
        {%- if state.value is not none and result.value >= state.value - 1e-9 * ([state.value | abs, 1.0] | max) -%}
            {%- set state.accepted = true -%}
            {%- set state.done = true -%}
        {%- endif -%}
        {%- if state.value is none or result.value < state.value -%}
            {%- set state.point = result.point -%}
            {%- set state.value = result.value -%}
        {%- endif -%}
    {%- endfor -%}
    {{- return({'point': state.point, 'value': state.value, 'evaluations': state.evaluations, 'accepted': state.accepted}) -}}
{%- endmacro %}


{% macro _clamp(point) -%}
    {%- set clamped = [] -%}
    {%- for coordinate in point -%}
        {%- do clamped.append([[coordinate, -9.210340371976182] | max, 9.210340371976182] | min) -%}
    {%- endfor -%}
    {{- return(clamped) -}}
{%- endmacro %}


{% macro _affine(origin, direction_from, direction_to, factor) -%}
    {#- origin + factor · (direction_to − direction_from), clamped to the box -#}
    {%- set point = [] -%}
    {%- for coordinate in origin -%}
        {%- do point.append(coordinate + factor * (direction_to[loop.index0] - direction_from[loop.index0])) -%}
    {%- endfor -%}
    {{- return(_clamp(point)) -}}
{%- endmacro %}


{% macro _nelder_mead(kind, start, step, relations) -%}
    {#-
        One Nelder-Mead run (reflection 1, expansion 2, contraction 1/2,
        shrink 1/2) minimising the negative log-likelihood over
        log-parameters in the box. Each iteration evaluates its reflection,
        expansion and both contractions in one query. Stops when the simplex
        spans less than 1e-6 in every log-parameter and 1e-10 (relative) in
        the objective, or after 1,000 iterations.
    -#}
    {%- set dimension = start | length -%}
    {%- set initial = [_clamp(start)] -%}
    {%- for axis in range(dimension) -%}
        {%- set vertex = [] -%}
        {%- for coordinate in start -%}
            {%- do vertex.append(coordinate + (step if loop.index0 == axis else 0.0)) -%}
        {%- endfor -%}
        {%- if vertex[axis] > 9.210340371976182 -%}
            {%- do vertex.pop(axis) -%}
            {%- do vertex.insert(axis, start[axis] - step) -%}
        {%- endif -%}
        {%- do initial.append(_clamp(vertex)) -%}
    {%- endfor -%}
    {%- set values = _objective(kind, initial, relations) -%}
    {%- set simplex = [] -%}
    {%- for vertex in initial -%}
        {%- do simplex.append({'point': vertex, 'value': values[loop.index0]}) -%}
    {%- endfor -%}
    {%- set state = namespace(simplex=simplex, evaluations=dimension + 1, done=false) -%}
    {%- for iteration in range(1000) if not state.done -%}
        {%- set ordered = state.simplex | sort(attribute='value') -%}
        {%- set best = ordered[0] -%}
        {%- set worst = ordered[dimension] -%}
        {%- set spread = namespace(point=0.0) -%}
        {%- for vertex in ordered[1:] -%}
            {%- for coordinate in vertex.point -%}
                {%- set spread.point = [spread.point, (coordinate - best.point[loop.index0]) | abs] | max -%}
            {%- endfor -%}
        {%- endfor -%}
        {%- if spread.point <= 1e-6 and (worst.value - best.value) <= 1e-10 * ([best.value | abs, 1.0] | max) -%}
            {%- set state.done = true -%}
            {%- set state.simplex = ordered -%}
        {%- else -%}
            {%- set centroid = [] -%}
            {%- for axis in range(dimension) -%}
                {%- set total = namespace(value=0.0) -%}
                {%- for vertex in ordered[:dimension] -%}
                    {%- set total.value = total.value + vertex.point[axis] -%}
                {%- endfor -%}
                {%- do centroid.append(total.value / dimension) -%}
            {%- endfor -%}
            {%- set trials = [
                _affine(centroid, worst.point, centroid, 1.0),
                _affine(centroid, worst.point, centroid, 2.0),
                _affine(centroid, worst.point, centroid, 0.5),
                _affine(centroid, worst.point, centroid, -0.5),
            ] -%}
            {%- set trial_values = _objective(kind, trials, relations) -%}
            {%- set state.evaluations = state.evaluations + 4 -%}
            {%- set reflected = {'point': trials[0], 'value': trial_values[0]} -%}
            {%- set expanded = {'point': trials[1], 'value': trial_values[1]} -%}
            {%- set outside = {'point': trials[2], 'value': trial_values[2]} -%}
            {%- set inside = {'point': trials[3], 'value': trial_values[3]} -%}
            {%- set kept = ordered[:dimension] -%}
            {%- set replacement = namespace(vertex=none) -%}
            {%- if reflected.value < best.value -%}
                {%- set replacement.vertex = expanded if expanded.value < reflected.value else reflected -%}
            {%- elif reflected.value < ordered[dimension - 1].value -%}
                {%- set replacement.vertex = reflected -%}
            {%- elif reflected.value < worst.value -%}
                {%- if outside.value <= reflected.value -%}
                    {%- set replacement.vertex = outside -%}
                {%- endif -%}
            {%- elif inside.value < worst.value -%}
                {%- set replacement.vertex = inside -%}
            {%- endif -%}
            {%- if replacement.vertex is not none -%}
                {%- set state.simplex = kept + [replacement.vertex] -%}
            {%- else -%}
                {#- shrink every vertex halfway towards the best -#}
                {%- set shrunk = [] -%}
                {%- for vertex in ordered[1:] -%}
                    {%- do shrunk.append(_affine(best.point, best.point, vertex.point, 0.5)) -%}
                {%- endfor -%}
                {%- set shrunk_values = _objective(kind, shrunk, relations) -%}
                {%- set state.evaluations = state.evaluations + dimension -%}
                {%- set new_simplex = [best] -%}
                {%- for vertex in shrunk -%}
                    {%- do new_simplex.append({'point': vertex, 'value': shrunk_values[loop.index0]}) -%}
                {%- endfor -%}
                {%- set state.simplex = new_simplex -%}
            {%- endif -%}
        {%- endif -%}
    {%- endfor -%}
    {%- set final = state.simplex | sort(attribute='value') -%}
    {{- return({'point': final[0].point, 'value': final[0].value, 'evaluations': state.evaluations}) -}}
{%- endmacro %}
