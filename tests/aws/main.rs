//! The AWS adapters against local servers that speak the AWS wire protocols (moto, s3s-fs),
//! and the whole flow through the Lambda handlers on those adapters.

mod cognito;
mod dynamo;
mod faults;
mod flow;
mod s3;
mod scheduler;
mod ses;
