"""The context the Lambda runtime passes a handler, for handlers called in-process."""


class FakeLambdaContext:
    function_name = "InitialSyncFunction"
    memory_limit_in_mb = 256
    invoked_function_arn = "arn:aws:lambda:eu-west-1:123456789012:function:InitialSyncFunction"
    aws_request_id = "0f0e6f6c-0000-4000-8000-000000000000"

    def get_remaining_time_in_millis(self) -> int:
        return 150_000
