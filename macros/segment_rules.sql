{#-
    Segment rules used by more than one model, written once (the house style,
    docs/style.md): the point-in-time mart customer_segments and the segment
    history evaluate the same rule.
-#}

{% macro lifecycle_segment(orders_count, days_since_signed_up, days_since_last_order) -%}
    {#- SEGMENTS.md section 5, from the three inputs as of the evaluation day. -#}
    case
        when {{ orders_count }} = 0 and {{ days_since_signed_up }} < {{ var('new_signup_window_days') }}
            then 'new_signup_non_buyer'
        when {{ orders_count }} = 0 then 'dormant_non_buyer'
        when {{ orders_count }} = 1 and {{ days_since_last_order }} < {{ var('active_window_days') }}
            then 'new_first_time_buyer'
        when {{ orders_count }} = 1 then 'lapsed_one_time_buyer'
        when {{ days_since_last_order }} < {{ var('active_window_days') }} then 'active_repeat_buyer'
        else 'lapsed_repeat_buyer'
    end
{%- endmacro %}


{% macro lifecycle_segment_values() %}
    {#- The six values of lifecycle_segment, in lifecycle order (the segment_definitions seed describes them). -#}
    {{- return([
        'new_signup_non_buyer',
        'dormant_non_buyer',
        'new_first_time_buyer',
        'active_repeat_buyer',
        'lapsed_one_time_buyer',
        'lapsed_repeat_buyer',
    ]) -}}
{% endmacro %}


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

