import { describe, expect, it } from "vitest";

import { envAssignments, expandVariables, parseDockerfile, type Dockerfile } from "./dockerfile";

function parsed(source: string): Dockerfile {
  const result = parseDockerfile(source);
  if (!result.ok) throw new Error(result.error);
  return result.dockerfile;
}

const errorOf = (source: string) => {
  const result = parseDockerfile(source);
  return result.ok ? undefined : result.error;
};

describe("parseDockerfile", () => {
  it("reads stages, comments and every instruction", () => {
    const df = parsed(`# a comment
ARG BASE=python:3.12-slim
FROM \${BASE} AS Builder
  # indented comment
RUN pip install --no-cache-dir numpy
COPY --chown=1000:1000 requirements.txt /app/
ADD https://example.com/x.tgz /opt/
ENV LANG=C.UTF-8 PATH="/opt/bin:$PATH"
WORKDIR /app
USER 1000
LABEL org.opencontainers.image.title="base"
EXPOSE 8080/tcp
CMD ["python"]
ENTRYPOINT ["/bin/tini", "--"]
SHELL ["/bin/bash", "-c"]
VOLUME /data
HEALTHCHECK --interval=30s CMD curl -f http://localhost/
STOPSIGNAL SIGTERM
ONBUILD RUN echo child
MAINTAINER someone

FROM builder
copy --from=builder /app /app
`);
    expect(df.metaArgs.map((a) => a.text)).toEqual(["ARG BASE=python:3.12-slim"]);
    expect(df.stages.map((s) => [s.base, s.name, s.line])).toEqual([
      ["${BASE}", "builder", 3],
      ["builder", undefined, 22],
    ]);
    expect(df.stages[0].instructions.map((i) => i.name)).toEqual([
      "RUN",
      "COPY",
      "ADD",
      "ENV",
      "WORKDIR",
      "USER",
      "LABEL",
      "EXPOSE",
      "CMD",
      "ENTRYPOINT",
      "SHELL",
      "VOLUME",
      "HEALTHCHECK",
      "STOPSIGNAL",
      "ONBUILD",
      "MAINTAINER",
    ]);
    const copy = df.stages[0].instructions[1];
    expect(copy.flags).toEqual({ chown: "1000:1000" });
    expect(copy.args).toBe("requirements.txt /app/");
    expect(df.stages[0].instructions[8].json).toEqual(["python"]);
    // Kaniko logs the instruction as written, keyword case included.
    expect(df.stages[1].instructions[0]).toMatchObject({
      name: "COPY",
      text: "copy --from=builder /app /app",
      flags: { from: "builder" },
      line: 23,
    });
  });

  it("joins continuation lines, dropping only the escape and newline, and skips comments inside", () => {
    const df = parsed(
      "FROM alpine\nRUN apk add curl && \\\n    # a comment in the middle\n\n    apk add git \\  \n    && echo done\nCMD sh",
    );
    const run = df.stages[0].instructions[0];
    expect(run.text).toBe("RUN apk add curl &&     apk add git     && echo done");
    expect(run.line).toBe(2);
    expect(df.stages[0].instructions[1].line).toBe(7);
  });

  it("honours the escape directive and CRLF line ends", () => {
    const df = parsed("# escape=`\r\nFROM mcr.microsoft.com/windows\r\nRUN dir `\r\n  c:\\\r\n");
    expect(df.stages[0].instructions[0].args).toBe("dir   c:\\");
    expect(errorOf("# escape=x\nFROM a")).toBe("invalid escape token 'x' does not match ` or \\");
  });

  it("accepts exec and shell forms", () => {
    const df = parsed('FROM a\nRUN ["/bin/sh", "-c", "echo hi"]\nCMD [not json\n');
    expect(df.stages[0].instructions[0].json).toEqual(["/bin/sh", "-c", "echo hi"]);
    expect(df.stages[0].instructions[1].json).toBeUndefined();
  });

  it("reports syntax errors with BuildKit's wording", () => {
    expect(errorOf("FROM alpine\nRUNN echo hi")).toBe(
      "dockerfile parse error on line 2: unknown instruction: RUNN (did you mean run?)",
    );
    expect(errorOf("FROM alpine\nFOOBARBAZ x")).toBe(
      "dockerfile parse error on line 2: unknown instruction: FOOBARBAZ",
    );
    expect(errorOf("RUN echo hi\nFROM alpine")).toBe("no build stage in current context");
    expect(errorOf("ENV A=1\nFROM alpine")).toBe("no build stage in current context");
    expect(errorOf("")).toBe("file with no instructions");
    expect(errorOf("# only a comment\n\n")).toBe("file with no instructions");
    expect(errorOf("ARG A=1")).toBe("dockerfile contains no stages to build");
    expect(errorOf("FROM a b")).toBe("dockerfile parse error on line 1: FROM requires either one or three arguments");
    expect(errorOf("FROM a AS 1st")).toBe(
      'dockerfile parse error on line 1: invalid name for build stage: "1st", name can\'t start with a number or contain symbols',
    );
    expect(errorOf("FROM a\nCOPY onlyone")).toBe(
      "dockerfile parse error on line 2: COPY requires at least two arguments, but only one was provided. Destination could not be determined",
    );
    expect(errorOf("FROM a\nRUN")).toBe("dockerfile parse error on line 2: RUN requires at least one argument");
    expect(errorOf("FROM a\nENV A")).toBe("dockerfile parse error on line 2: ENV must have two arguments");
    expect(errorOf("FROM a\nENV A=1 B")).toBe(
      'dockerfile parse error on line 2: Syntax error - can\'t find = in "B". Must be of the form: name=value',
    );
    expect(errorOf("FROM a\nWORKDIR")).toBe("dockerfile parse error on line 2: WORKDIR requires exactly one argument");
    expect(errorOf("FROM a\nSHELL /bin/bash -c")).toBe(
      "dockerfile parse error on line 2: SHELL requires the arguments to be in JSON form",
    );
    expect(errorOf("FROM a\nCOPY --form=x a b")).toBe("dockerfile parse error on line 2: unknown flag: --form");
    expect(errorOf("FROM a\nONBUILD ONBUILD RUN x")).toBe(
      "dockerfile parse error on line 2: Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed",
    );
    expect(errorOf("FROM a\nONBUILD FROM b")).toBe(
      "dockerfile parse error on line 2: FROM isn't allowed as an ONBUILD trigger",
    );
    expect(errorOf("FROM a\nHEALTHCHECK NOPE")).toBe(
      'dockerfile parse error on line 2: Unknown type "NOPE" in HEALTHCHECK (try CMD)',
    );
    expect(errorOf('FROM a\nRUN ["a", 1]')).toBe(
      "dockerfile parse error on line 2: when using JSON array syntax, arrays must be comprised of strings only",
    );
    // The line reported is where the instruction starts, continuation or not.
    expect(parseDockerfile("FROM a\nRUN a \\\n b\nBAD x")).toMatchObject({ ok: false, line: 4 });
  });
});

describe("variables", () => {
  it("expands the forms BuildKit supports", () => {
    const vars = { A: "a", EMPTY: "" };
    expect(expandVariables("$A ${A} ${B:-dflt} ${EMPTY:-e} ${EMPTY-e} ${A:+set} ${B+x} \\$A", vars)).toBe(
      "a a dflt e  set  $A",
    );
  });

  it("reads ENV in both forms", () => {
    const [env, legacy] = parsed('FROM a\nENV A=1 B="x y"\nENV C some value').stages[0].instructions;
    expect(envAssignments(env)).toEqual([
      ["A", "1"],
      ["B", "x y"],
    ]);
    expect(envAssignments(legacy)).toEqual([["C", "some value"]]);
  });
});
