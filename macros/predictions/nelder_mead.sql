{#-
    Nelder-Mead in Jinja, over log-parameters clamped to a box, with restarts.
-#}

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
        then the one other trial point the step needs (expansion or a
        contraction); on an engine where a round trip costs more than the
        query, all four in one query (fit_evaluates_speculatively()). Stops
        when the simplex spans less than 1e-6 in every log-parameter and 1e-10
        (relative) in the objective, or after 1,000 iterations.
    -#}
    {%- set speculative = fit_evaluates_speculatively() -%}
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
            {#-
                the four trial points; evaluated together (one query) where a
                round trip is what costs, else each only when the step needs
                it: the same values and the same path either way (D94)
            -#}
            {%- set trials = {
                'reflected': _affine(centroid, worst.point, centroid, 1.0),
                'expanded': _affine(centroid, worst.point, centroid, 2.0),
                'outside': _affine(centroid, worst.point, centroid, 0.5),
                'inside': _affine(centroid, worst.point, centroid, -0.5),
            } -%}
            {%- set trial_values = {} -%}
            {%- if speculative -%}
                {%- set names = ['reflected', 'expanded', 'outside', 'inside'] -%}
                {%- set points = [] -%}
                {%- for name in names -%}
                    {%- do points.append(trials[name]) -%}
                {%- endfor -%}
                {%- set batch = _objective(kind, points, relations) -%}
                {%- for name in names -%}
                    {%- do trial_values.update({name: batch[loop.index0]}) -%}
                {%- endfor -%}
            {%- endif -%}
            {%- set reflected = _trial_vertex('reflected', trials, trial_values, kind, relations) -%}
            {%- set kept = ordered[:dimension] -%}
            {%- set replacement = namespace(vertex=none) -%}
            {%- if reflected.value < best.value -%}
                {%- set expanded = _trial_vertex('expanded', trials, trial_values, kind, relations) -%}
                {%- set replacement.vertex = expanded if expanded.value < reflected.value else reflected -%}
            {%- elif reflected.value < ordered[dimension - 1].value -%}
                {%- set replacement.vertex = reflected -%}
            {%- elif reflected.value < worst.value -%}
                {%- set outside = _trial_vertex('outside', trials, trial_values, kind, relations) -%}
                {%- if outside.value <= reflected.value -%}
                    {%- set replacement.vertex = outside -%}
                {%- endif -%}
            {%- else -%}
                {%- set inside = _trial_vertex('inside', trials, trial_values, kind, relations) -%}
                {%- if inside.value < worst.value -%}
                    {%- set replacement.vertex = inside -%}
                {%- endif -%}
            {%- endif -%}
            {%- set state.evaluations = state.evaluations + trial_values | length -%}
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


{% macro _trial_vertex(name, trials, trial_values, kind, relations) -%}
    {#-
        The vertex of trials[name] with its objective value: from
        trial_values, or from one query that adds it there.
    -#}
    {%- if name not in trial_values -%}
        {%- do trial_values.update({name: _objective(kind, [trials[name]], relations)[0]}) -%}
    {%- endif -%}
    {{- return({'point': trials[name], 'value': trial_values[name]}) -}}
{%- endmacro %}


{% macro fit_evaluates_speculatively() -%}
    {#-
        True where the fit evaluates an iteration's four trial points in one
        query: Spark pays about a second per query whatever its size
        (D72), so one query of four beats two of one. DuckDB and PostgreSQL
        pay for the rows times the points: at 1M customers one point costs
        a third of four, so they evaluate only the points a step needs (D94).
        The environment variable SEGMENTS_FIT_SPECULATIVE (true or false)
        chooses on any engine: both give the same fit, which
        tests/test_predictions.py checks. Any other value stops the run.
    -#}
    {%- set chosen = env_var('SEGMENTS_FIT_SPECULATIVE', '') | trim | lower -%}
    {%- if chosen in ('true', 'false') -%}
        {{- return(chosen == 'true') -}}
    {%- elif chosen != '' -%}
        {{- exceptions.raise_compiler_error(
            'SEGMENTS_FIT_SPECULATIVE must be true or false (or unset), not '
            ~ tojson(env_var('SEGMENTS_FIT_SPECULATIVE'))
        ) -}}
    {%- endif -%}
    {{- return(adapter.dispatch('fit_evaluates_speculatively', 'lifecycle_segments')()) -}}
{%- endmacro %}


{% macro default__fit_evaluates_speculatively() -%}
    {{- return(false) -}}
{%- endmacro %}


{% macro spark__fit_evaluates_speculatively() -%}
    {{- return(true) -}}
{%- endmacro %}
