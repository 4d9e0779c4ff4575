"""Workers on several machines sharing PostgreSQL, through procrastinate's task queue."""
