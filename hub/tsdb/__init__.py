"""Time-series storage for raw samples: a Protocol and the influxdb-client implementation.

VictoriaMetrics (tests, small installs) and InfluxDB 2/3 (field) both take the InfluxDB
line protocol through influxdb-client's write API, so one implementation serves both.
"""

from hub.tsdb.influx import InfluxStore
from hub.tsdb.lines import Point, SeriesTags, format_lines
from hub.tsdb.store import TimeSeriesStore, TsdbError, TsdbRejectedError

__all__ = ["InfluxStore", "Point", "SeriesTags", "TimeSeriesStore", "TsdbError",
           "TsdbRejectedError", "format_lines"]
