build/hosted/tests/unit/main.o: tests/unit/main.c
