{#- The demo shop has every lifecycle segment, so the host must see all six. -#}

select count(*) as segments
from {{ ref('host_segment_sizes') }}
having count(*) != 6
