{#-
    The RFM scores and segments (SEGMENTS.md section 9) and the exact percent
    comparison of section 6 that they, and the finer segments, use.
-#}

{% macro percent_at_least(numerator, denominator, percent) -%}
    {#-
        numerator / denominator >= percent %, compared exactly in integers
        (SEGMENTS.md section 6). A zero denominator is read as 1, so a percent
        rank of a single member is 0 (DECISIONLOG D9).
    -#}
    ({{ numerator }}) * 100 >= {{ percent }} * greatest({{ denominator }}, 1)
{%- endmacro %}


{% macro rfm_score(rank_offset, rank_span) -%}
    {#-
        SEGMENTS.md section 9: 1 + the number of thresholds 20, 40, 60, 80
        that a percent rank meets, compared exactly (section 6).
    -#}
    (1
    {%- for threshold in [20, 40, 60, 80] %}
        + case when {{ percent_at_least(rank_offset, rank_span, threshold) }} then 1 else 0 end
    {%- endfor %})
{%- endmacro %}


{% macro rfm_segment(recency_score, frequency_score, monetary_score) -%}
    {#-
        SEGMENTS.md section 9: the 5x5 grid of R = recency_score and
        FM = floor((frequency_score + monetary_score) / 2); prospect for
        non-buyers (null scores). Whole-number halving: FM >= k is
        F + M >= 2k, so no engine's integer division is involved.
    -#}
    case
        when {{ recency_score }} is null then 'prospect'
        when {{ recency_score }} = 5 and {{ frequency_score }} + {{ monetary_score }} >= 8 then 'champions'
        when {{ recency_score }} = 5 and {{ frequency_score }} + {{ monetary_score }} >= 4 then 'active'
        when {{ recency_score }} = 5 then 'new'
        when {{ recency_score }} = 4 and {{ frequency_score }} + {{ monetary_score }} >= 8 then 'loyal'
        when {{ recency_score }} = 4 and {{ frequency_score }} + {{ monetary_score }} >= 4 then 'active'
        when {{ recency_score }} = 4 then 'promising'
        when {{ recency_score }} = 3 and {{ frequency_score }} + {{ monetary_score }} >= 8 then 'loyal'
        when {{ recency_score }} = 3 then 'needs_attention'
        when {{ frequency_score }} + {{ monetary_score }} >= 10 then 'previously_loyal'
        when {{ frequency_score }} + {{ monetary_score }} >= 6 then 'at_risk'
        when {{ recency_score }} = 2 then 'almost_lost'
        else 'dormant'
    end
{%- endmacro %}
