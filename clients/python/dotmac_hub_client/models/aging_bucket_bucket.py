from enum import StrEnum


class AgingBucketBucket(StrEnum):
    CURRENT = "current"
    VALUE_1 = "1-30"
    VALUE_2 = "31-60"
    VALUE_3 = "61-90"
    VALUE_4 = "90+"

    def __str__(self) -> str:
        return str(self.value)
